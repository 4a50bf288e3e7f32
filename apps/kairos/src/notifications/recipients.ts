import { BOOKINGS, BookingView } from '@kairos/bookings';
import { CONTACTS, ContactDoc } from '@kairos/clients';
import { ReadStore } from '@kairos/read-store';

/** Whom a message goes to: how to reach them and the zone their times are shown in (null: the slot's). */
export interface Recipient {
  name: string | null;
  email: string | null;
  phone: string | null;
  timeZone: string | null;
}

/**
 * The contact as the contacts read model has them; else the details their booking was made with
 * (a contactId from the caller's own CRM has no contact here). Null when neither knows them, as
 * for an erased contact, whose document is gone and whose booking details are scrubbed.
 */
export const recipientOf = async (readStore: ReadStore, tenant: string, contactId: string, bookingId: string | null): Promise<Recipient | null> => {
  const contact = await readStore.get<ContactDoc>(CONTACTS, tenant, contactId);
  if (contact) return { name: contact.name, email: contact.email, phone: contact.phone, timeZone: contact.timeZone };
  if (bookingId === null) return null;
  const booking = await readStore.get<BookingView>(BOOKINGS, tenant, bookingId);
  if (!booking?.contactDetails) return null;
  return { ...booking.contactDetails, timeZone: null };
};
