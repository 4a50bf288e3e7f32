import { MemoryReadModels } from '@kairos/core';
import { availabilityWindowsProjection } from './windows';
import { WindowsTarget, windowsMatchRawExpansion } from './windows-property.fixture';

/** The definition folded in memory: its logic without a database (windows.int.spec.ts runs it through the real stores). */
const inMemory = (): WindowsTarget => {
  const models = new MemoryReadModels();
  return {
    apply: async (event) => void models.project(availabilityWindowsProjection, [event]),
    getMany: async <T extends { id: string }>(collection: string, tenant: string, ids: string[]) =>
      ids.flatMap((id) => models.get<T>(collection, tenant, id) ?? []),
  };
};

describe('availability windows', () => {
  it('give the same calendars as expanding every raw session, after any sequence of session changes', async () => {
    await windowsMatchRawExpansion(inMemory(), 150);
  });
});
