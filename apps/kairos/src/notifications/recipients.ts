import { BOOKINGS, BookingView } from '@kairos/bookings';
import { ReadStore } from '@kairos/read-store';

/** Whom a message goes to: how to reach them and the zone their times are shown in (null: the slot's). */
export interface Recipient {
  name: string | null;
  email: string | null;
  phone: string | null;
  timeZone: string | null;
}

/**
 * The contacts read model, which the clients capability keeps (an erased contact has no document
 * there); the dispatcher makes sure its collection exists, so the lookup works whether or not that
 * capability runs.
 */
export const CONTACTS = 'contacts';

interface ContactDoc {
  id: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  timeZone?: string | null;
}

/**
 * The contact as the contacts read model has them; else the details their booking was made with
 * (a contactId from the caller's own CRM has no contact here). Null when neither knows them, as
 * for an erased contact, whose booking details are scrubbed too.
 */
export const recipientOf = async (readStore: ReadStore, tenant: string, contactId: string, bookingId: string | null): Promise<Recipient | null> => {
  const contact = await readStore.get<ContactDoc>(CONTACTS, tenant, contactId);
  if (contact) return { name: contact.name ?? null, email: contact.email ?? null, phone: contact.phone ?? null, timeZone: contact.timeZone ?? null };
  if (bookingId === null) return null;
  const booking = await readStore.get<BookingView>(BOOKINGS, tenant, bookingId);
  if (!booking?.contactDetails) return null;
  return { ...booking.contactDetails, timeZone: null };
};
