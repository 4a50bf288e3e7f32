import { contactDecider, contactEmailDecider, contactEmailStream, contactNotFound, contactStream, emailClaimOf } from '@kairos/clients';
import { DomainError, newId } from '@kairos/core';
import { PlanPart, StreamReader, streamOf } from '../infrastructure/command-handling';

/** Who a booking is for, as its request names them: a contact id, or details of someone to find or create. */
export interface NamedContact {
  contactId?: string;
  contact?: { name?: string; email?: string; phone?: string };
}

export interface BookingContact {
  contactId: string;
  /** The contact's creation (and its email's claim) when the booking is the first to name it; appended with the booking. */
  part: PlanPart;
}

const NOTHING: PlanPart = { streams: [], decide: () => [] };

/** The booking's contact fields its own refusals name, as the booking request has them. */
const asBookingFields = (error: unknown): unknown =>
  error instanceof DomainError && error.code === 'validation' ? new DomainError('validation', error.message, error.errors.map((e) => ({ ...e, field: `contact.${e.field}` }))) : error;

/**
 * The contact a booking is for, read through the attempt so the append expects what was read.
 * A `contactId` is taken as given, even one Kairos never saw (contacts may live in the caller's
 * CRM), unless it names an erased contact (404). Details with an email find the contact that
 * email's claim names; else a new contact is created with the booking, claiming the email on the
 * revision read, so concurrent first bookings with one email make one contact: one append wins
 * and the others try again and find it. Details without an email make a new contact each time.
 */
export const bookingContactOf = async (reader: StreamReader, tenant: string, request: NamedContact): Promise<BookingContact> => {
  if (request.contactId) {
    const state = await reader.read(streamOf(contactStream(tenant, request.contactId), contactDecider));
    if (state.status === 'ERASED') throw contactNotFound('contactId');
    return { contactId: request.contactId, part: NOTHING };
  }
  const details = request.contact ?? {};
  const email = details.email ?? null;
  const claimId = emailClaimOf(email);
  const claim = claimId === null ? null : streamOf(contactEmailStream(tenant, claimId), contactEmailDecider);
  const claimedBy = claim ? (await reader.read(claim)).contactId : null;
  if (claimedBy !== null) return { contactId: claimedBy, part: NOTHING };
  const id = newId();
  const contact = streamOf(contactStream(tenant, id), contactDecider);
  return {
    contactId: id,
    part: {
      streams: [contact, ...(claim ? [claim] : [])],
      decide: (states, now) => {
        const fields = { name: details.name ?? null, email, phone: details.phone ?? null, timeZone: null };
        const created = (() => {
          try {
            return contactDecider.decide({ type: 'CreateContact', id, fields }, states.of(contact), { now });
          } catch (error) {
            throw asBookingFields(error);
          }
        })();
        return [
          { streamId: contact.streamId, events: created },
          ...(claim ? [{ streamId: claim.streamId, events: contactEmailDecider.decide({ type: 'ClaimEmail', contactId: id }, states.of(claim), { now }) }] : []),
        ];
      },
    },
  };
};
