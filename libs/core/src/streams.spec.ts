import { parseStreamId, streamId } from './streams';

describe('stream ids', () => {
  it('are <category>:<tenant>:<id>, and parse back into their parts', () => {
    expect(streamId('service', 't1', 'svc-1')).toBe('service:t1:svc-1');
    expect(parseStreamId(streamId('resource-claim', 't1', 'staff-1.2026-03-02T09'))).toEqual({ category: 'resource-claim', tenant: 't1', id: 'staff-1.2026-03-02T09' });
  });

  it('take the id after the last colon, whatever the tenant holds', () => {
    expect(parseStreamId('waitlist:acme:eu:ses-1')).toEqual({ category: 'waitlist', tenant: 'acme:eu', id: 'ses-1' });
  });

  it('refuse what no builder made', () => {
    for (const malformed of ['service', 'service:svc-1', ':t1:svc-1']) expect(() => parseStreamId(malformed)).toThrow(/not a <category>:<tenant>:<id>/);
  });
});
