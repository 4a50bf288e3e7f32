import { EventCatalog } from '@kairos/core';
import { contactEvents } from './contact/contact.events';

/** What the clients capability publishes: contacts and their notes. Email claims stay internal. */
export const clientsEvents: EventCatalog = { capability: 'clients', events: [...contactEvents] };
