import { Capability, ErasureRule, PersonalDataRule } from '@kairos/core';
import { clientsEvents } from './clients.events';
import { clientsProjection } from './clients.projection';

const theContact = (data: Record<string, unknown>) => (typeof data.id === 'string' ? data.id : null);

/** A contact's name, email and phone, as created and as changed (an update carries old and new values), and the text of notes about it. */
const personalData: PersonalDataRule[] = [
  { eventType: 'contact.created', subjectOf: theContact, fields: ['name', 'email', 'phone'] },
  { eventType: 'contact.updated', subjectOf: theContact, fields: ['changes', 'previous'] },
  { eventType: 'contact.note-added', subjectOf: theContact, fields: ['text'] },
];

const erasures: ErasureRule[] = [{ eventType: 'contact.deleted', subjectOf: theContact }];

export const clientsCapability: Capability = { name: 'clients', projections: [clientsProjection], events: clientsEvents, personalData, erasures };
