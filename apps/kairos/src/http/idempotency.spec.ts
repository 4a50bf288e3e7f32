import { KEY_RECORD_PERSONAL_DATA } from './idempotency';

const subjectOf = (path: string, body: unknown) =>
  KEY_RECORD_PERSONAL_DATA.subjectOf({ requestHash: 'h', path, status: 200, location: null, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('whose answer a key record holds', () => {
  it('is the contact of a contact path, whatever the answer', () => {
    expect(subjectOf('/v1/contacts/c1', { id: 'c1', name: 'Ana' })).toBe('c1');
    expect(subjectOf('/v1/contacts/c1/notes', { id: 'n1', text: 'likes mornings' })).toBe('c1');
    expect(subjectOf('/v1/contacts/c1', '')).toBe('c1');
  });

  it('is the new contact an answer to a contact creation names', () => {
    expect(subjectOf('/v1/contacts', { id: 'c2', email: 'b@example.com' })).toBe('c2');
  });

  it('is the contact an answer names elsewhere, a booking\'s say', () => {
    expect(subjectOf('/v1/bookings', { id: 'b1', contactId: 'c3', contactDetails: { name: 'Ana' } })).toBe('c3');
  });

  it('is nobody for an answer about no contact, or no JSON object', () => {
    expect(subjectOf('/v1/services', { id: 's1', name: 'Haircut' })).toBeNull();
    expect(subjectOf('/v1/bookings', '')).toBeNull();
    expect(subjectOf('/v1/bookings', '[1]')).toBeNull();
    expect(KEY_RECORD_PERSONAL_DATA.subjectOf({ requestHash: 'h', status: 201, body: '{"contactId":"c4"}' })).toBe('c4');
  });
});
