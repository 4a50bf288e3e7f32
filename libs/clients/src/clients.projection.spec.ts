import { MemoryReadModels, enveloped } from '@kairos/core';
import { ContactEvent, contactDecider } from './contact/contact';
import { CONTACTS, CONTACT_NOTES, ContactDoc, clientsProjection } from './clients.projection';
import { searchKeyOf } from './contact/contact-search';

const now = new Date('2026-03-01T10:00:00.000Z');
const at = now.toISOString();
const L = '2026-03-02T10:00:00.000Z';
const inTenant = enveloped({ tenant: 't1', actor: { type: 'BUSINESS' }, occurredAt: at });
const project = (...events: ContactEvent[]) => new MemoryReadModels().project(clientsProjection, events.map(inTenant));

const [created] = contactDecider.decide(
  { type: 'CreateContact', id: 'c1', fields: { name: 'Rita Costa', email: 'Rita@Example.com', phone: '+351912345678', timeZone: 'Europe/Lisbon' } },
  { status: 'none' },
  { now },
);
const note = (noteId: string): ContactEvent => ({ type: 'contact.note-added', data: { id: 'c1', noteId, text: `note ${noteId}`, author: { type: 'BUSINESS', id: 'staff-1' }, at } });

describe('clients projection', () => {
  it('keeps a contact as GET shows it, with its email lower-cased and its search keys beside it', () => {
    const doc = project(created).get<ContactDoc>(CONTACTS, 't1', 'c1')!;
    if (created.type !== 'contact.created') throw new Error('expected contact.created');
    const { emailClaim: _claim, ...view } = created.data;
    expect(doc).toMatchObject({ ...view, _email: 'rita@example.com', _noteIds: [] });
    expect(doc).not.toHaveProperty('emailClaim');
    for (const query of ['rita', 'Costa', 'rita co', 'rita@ex', 'example.com', '+35191', '35191', '912345']) {
      expect(doc._search).toContain(searchKeyOf(query));
    }
    expect(doc._search).not.toContain('osta');
  });

  it('follows updates, search keys included', () => {
    const updated: ContactEvent = { type: 'contact.updated', data: { id: 'c1', changes: { name: 'Ana Lima' }, previous: { name: 'Rita Costa' }, updatedAt: L, emailClaim: null } };
    const doc = project(created, updated).get<ContactDoc>(CONTACTS, 't1', 'c1')!;
    expect(doc).toMatchObject({ name: 'Ana Lima', revision: 2, updatedAt: L });
    expect(doc._search).toContain('lima');
    expect(doc._search).not.toContain('costa');
  });

  it('keeps notes with their author until deleted', () => {
    const models = project(created, note('n1'), note('n2'), { type: 'contact.note-deleted', data: { id: 'c1', noteId: 'n1', at: L } });
    expect(models.all(CONTACT_NOTES, 't1')).toEqual([{ id: 'n2', contactId: 'c1', text: 'note n2', author: { type: 'BUSINESS', id: 'staff-1' }, createdAt: at }]);
    expect(models.get(CONTACTS, 't1', 'c1')).toMatchObject({ revision: 4, _noteIds: ['n2'] });
  });

  it('forgets an erased contact and its notes', () => {
    const models = project(created, note('n1'), note('n2'), { type: 'contact.deleted', data: { id: 'c1', deletedAt: L } });
    expect(models.all(CONTACTS, 't1')).toEqual([]);
    expect(models.all(CONTACT_NOTES, 't1')).toEqual([]);
  });
});
