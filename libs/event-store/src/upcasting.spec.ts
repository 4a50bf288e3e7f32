import { RecordedEvent } from '@kairos/core';
import { Upcasters } from './upcasting';

const recorded = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000000',
  type,
  schemaVersion,
  data,
  metadata: { tenant: 't', actor: { type: 'SYSTEM' }, occurredAt: '2026-01-01T00:00:00.000Z' },
  streamId: 's',
  streamRevision: 0,
  position: 1,
  recordedAt: '2026-01-01T00:00:00.000Z',
});

describe('Upcasters', () => {
  const upcasters = new Upcasters([
    { type: 'service.created', fromVersion: 1, upcast: (d) => ({ ...(d as object), bufferBeforeMinutes: 0 }) },
    {
      type: 'service.created',
      fromVersion: 2,
      upcast: (d) => {
        const { duration, ...rest } = d as { duration: number };
        return { ...rest, sessionDurations: [duration] };
      },
    },
  ]);

  it('chains steps from an old version to the newest', () => {
    const event = upcasters.upcast(recorded('service.created', 1, { name: 'Cut', duration: 30 }));
    expect(event.schemaVersion).toBe(3);
    expect(event.data).toEqual({ name: 'Cut', bufferBeforeMinutes: 0, sessionDurations: [30] });
  });

  it('starts from the version an event was written at', () => {
    expect(upcasters.upcast(recorded('service.created', 2, { duration: 45 })).data).toEqual({ sessionDurations: [45] });
  });

  it('leaves current and unrelated events untouched', () => {
    const current = recorded('service.created', 3, { sessionDurations: [30] });
    expect(upcasters.upcast(current)).toBe(current);
    const other = recorded('resource.created', 1, { name: 'Ana' });
    expect(upcasters.upcast(other)).toBe(other);
  });

  it('refuses two steps from the same version', () => {
    expect(() => new Upcasters([
      { type: 'a', fromVersion: 1, upcast: (d) => d },
      { type: 'a', fromVersion: 1, upcast: (d) => d },
    ])).toThrow(/two upcasters/);
  });
});
