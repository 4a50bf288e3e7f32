import { given } from '@kairos/testing';
import { ContactEvent, ContactFields, contactDecider } from './contact';
import { contactEmailDecider, contactEmailStream, emailClaimOf } from './contact-email';

const now = new Date('2026-03-01T10:00:00.000Z');
const T = now.toISOString();
const later = new Date('2026-03-02T10:00:00.000Z');
const L = later.toISOString();
const context = { now };

const fields = (overrides: Partial<ContactFields> = {}): ContactFields => ({ name: 'Rita Costa', email: 'Rita@Example.com', phone: '+351912345678', timeZone: 'Europe/Lisbon', ...overrides });
const created = (overrides: Partial<ContactFields> = {}): ContactEvent[] => contactDecider.decide({ type: 'CreateContact', id: 'c1', fields: fields(overrides) }, { status: 'none' }, context);
const erased: ContactEvent = { type: 'contact.deleted', data: { id: 'c1', deletedAt: L } };
const noteAdded: ContactEvent = { type: 'contact.note-added', data: { id: 'c1', noteId: 'n1', text: 'Prefers mornings', author: { type: 'BUSINESS', id: 'staff-1' }, at: T } };

describe('contact decider', () => {
  describe('create', () => {
    it('creates the contact as GET shows it, with its phone in E.164 and its email trimmed', () => {
      given(contactDecider, [])
        .when({ type: 'CreateContact', id: 'c1', fields: fields({ email: ' Rita@Example.com ', phone: '+351 912 345 678' }) }, context)
        .then([{ type: 'contact.created', data: { id: 'c1', revision: 1, createdAt: T, updatedAt: T, ...fields(), emailClaim: emailClaimOf('rita@example.com') } }]);
    });

    it('keeps its email claim in clear, so the claim is still known once the sealed email reads null', () => {
      const [event] = created();
      if (event.type !== 'contact.created') throw new Error('expected contact.created');
      const unreadable = { ...event, data: { ...event.data, name: null, email: null, phone: null } };
      const state = contactDecider.evolve(contactDecider.initialState(), unreadable);
      expect(state).toMatchObject({ status: 'LIVE', emailClaim: emailClaimOf('RITA@example.com ') });
      expect(emailClaimOf('rita@example.com')).not.toContain('rita');
    });

    it('refuses a phone that is no valid number and a zone that is no IANA zone', () => {
      given(contactDecider, [])
        .when({ type: 'CreateContact', id: 'c1', fields: fields({ phone: '912345678', timeZone: 'Mars/Olympus' }) }, context)
        .thenThrows('validation', [{ field: 'phone' }, { field: 'timeZone', reason: 'not an IANA time zone' }]);
      given(contactDecider, []).when({ type: 'CreateContact', id: 'c1', fields: fields({ phone: '+1234' }) }, context).thenThrows('validation', [{ field: 'phone' }]);
    });

    it('refuses an id taken, even by an erased contact', () => {
      given(contactDecider, created()).when({ type: 'CreateContact', id: 'c1', fields: fields() }, context).thenThrows('already-exists');
      given(contactDecider, [...created(), erased]).when({ type: 'CreateContact', id: 'c1', fields: fields() }, context).thenThrows('already-exists');
    });
  });

  describe('update', () => {
    it('records the changed fields with their old values, canonical', () => {
      given(contactDecider, created())
        .when({ type: 'UpdateContact', patch: { phone: '+44 20 7946 0958', name: 'Rita Costa', timeZone: null }, expectedRevision: 1 }, { now: later })
        .then([{ type: 'contact.updated', data: { id: 'c1', changes: { phone: '+442079460958', timeZone: null }, previous: { phone: '+351912345678', timeZone: 'Europe/Lisbon' }, updatedAt: L, emailClaim: emailClaimOf('rita@example.com') } }]);
    });

    it("moves the email claim with the email, and drops it with the email", () => {
      given(contactDecider, created())
        .when({ type: 'UpdateContact', patch: { email: 'ana@example.com' } }, { now: later })
        .then([{ type: 'contact.updated', data: { id: 'c1', changes: { email: 'ana@example.com' }, previous: { email: 'Rita@Example.com' }, updatedAt: L, emailClaim: emailClaimOf('ana@example.com') } }]);
      given(contactDecider, created())
        .when({ type: 'UpdateContact', patch: { email: null } }, { now: later })
        .then([{ type: 'contact.updated', data: { id: 'c1', changes: { email: null }, previous: { email: 'Rita@Example.com' }, updatedAt: L, emailClaim: null } }]);
    });

    it('changes nothing when nothing differs, and refuses a stale revision', () => {
      given(contactDecider, created()).when({ type: 'UpdateContact', patch: { name: 'Rita Costa' } }, context).thenNothing();
      given(contactDecider, created()).when({ type: 'UpdateContact', patch: { name: 'Rita' }, expectedRevision: 2 }, context).thenThrows('revision-conflict');
    });

    it('finds no contact to update once erased, or never created', () => {
      given(contactDecider, [...created(), erased]).when({ type: 'UpdateContact', patch: { name: 'Rita' } }, context).thenThrows('not-found');
      given(contactDecider, []).when({ type: 'UpdateContact', patch: { name: 'Rita' } }, context).thenThrows('not-found');
    });
  });

  describe('erase', () => {
    it('erases a live contact, once', () => {
      given(contactDecider, created()).when({ type: 'EraseContact' }, { now: later }).then([erased]);
      given(contactDecider, [...created(), erased]).when({ type: 'EraseContact' }, context).thenThrows('not-found');
    });

    it('keeps only the id of an erased contact', () => {
      expect(given(contactDecider, [...created(), noteAdded, erased]).state()).toEqual({ status: 'ERASED', id: 'c1' });
    });

    it('folds an update whose sealed fields read as null after erasure', () => {
      const sealed = { type: 'contact.updated', data: { id: 'c1', changes: null, previous: null, updatedAt: L } } as unknown as ContactEvent;
      expect(given(contactDecider, [...created(), sealed]).state()).toMatchObject({ status: 'LIVE', view: { revision: 2, name: 'Rita Costa' } });
    });
  });

  describe('notes', () => {
    it('adds a note with its author; a note id is taken once', () => {
      given(contactDecider, created()).when({ type: 'AddNote', noteId: 'n1', text: 'Prefers mornings', author: { type: 'BUSINESS', id: 'staff-1' } }, context).then([noteAdded]);
      given(contactDecider, [...created(), noteAdded]).when({ type: 'AddNote', noteId: 'n1', text: 'Prefers mornings', author: { type: 'BUSINESS' } }, context).thenThrows('already-exists');
    });

    it('records an author without an id as null', () => {
      const [event] = given(contactDecider, created()).when({ type: 'AddNote', noteId: 'n2', text: 'x', author: { type: 'CUSTOMER' } }, context)();
      expect(event.data).toMatchObject({ author: { type: 'CUSTOMER', id: null } });
    });

    it('deletes a note it has, and answers not-found for one it has not', () => {
      given(contactDecider, [...created(), noteAdded]).when({ type: 'DeleteNote', noteId: 'n1' }, { now: later }).then([{ type: 'contact.note-deleted', data: { id: 'c1', noteId: 'n1', at: L } }]);
      given(contactDecider, [...created(), noteAdded, { type: 'contact.note-deleted', data: { id: 'c1', noteId: 'n1', at: L } }])
        .when({ type: 'DeleteNote', noteId: 'n1' }, context)
        .thenThrows('not-found');
    });

    it('takes no note about an erased contact', () => {
      given(contactDecider, [...created(), erased]).when({ type: 'AddNote', noteId: 'n1', text: 'x', author: { type: 'BUSINESS' } }, context).thenThrows('not-found');
    });
  });
});

describe('contact email claim', () => {
  const claimed = { type: 'contact-email.claimed' as const, data: { contactId: 'c1' } };

  it('names its stream by a hash of the email, the same whatever its case or spaces', () => {
    const stream = contactEmailStream('t1', emailClaimOf(' Rita@Example.com')!);
    expect(stream).toBe(contactEmailStream('t1', emailClaimOf('rita@example.com')!));
    expect(stream).not.toContain('rita');
    expect(stream).not.toBe(contactEmailStream('t2', emailClaimOf('rita@example.com')!));
    expect(emailClaimOf(null)).toBeNull();
  });

  it('gives an email to one contact; the same contact claiming again changes nothing', () => {
    given(contactEmailDecider, []).when({ type: 'ClaimEmail', contactId: 'c1' }, context).then([claimed]);
    given(contactEmailDecider, [claimed]).when({ type: 'ClaimEmail', contactId: 'c1' }, context).thenNothing();
    given(contactEmailDecider, [claimed]).when({ type: 'ClaimEmail', contactId: 'c2' }, context).thenThrows('already-exists', [{ field: 'email', reason: 'taken' }]);
  });

  it('frees the email when its contact releases it, for another contact to claim', () => {
    const released = { type: 'contact-email.released' as const, data: { contactId: 'c1' } };
    given(contactEmailDecider, [claimed]).when({ type: 'ReleaseEmail', contactId: 'c1' }, context).then([released]);
    given(contactEmailDecider, [claimed]).when({ type: 'ReleaseEmail', contactId: 'c2' }, context).thenNothing();
    given(contactEmailDecider, [claimed, released]).when({ type: 'ClaimEmail', contactId: 'c2' }, context).then([{ type: 'contact-email.claimed', data: { contactId: 'c2' } }]);
  });
});
