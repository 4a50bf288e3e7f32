import { Static } from '@sinclair/typebox';
import { EventsOf, eventSchema, instant, integer, nullable, oneOf, record, statusChangeOf, text } from '@kairos/core';

export const EntryStatus = oneOf(['WAITING', 'OFFERED', 'ENROLLED', 'EXPIRED', 'LEFT']);
export type EntryStatus = Static<typeof EntryStatus>;

const sessionId = () => text('the class session; the key of waitlist messages');
const partySize = () => integer(undefined, 1);

export const WaitlistEntry = record({
  entryId: text(),
  sessionId: sessionId(),
  contactId: text(),
  partySize: partySize(),
  position: integer('place in the queue, 1 = next', 1),
  status: EntryStatus,
  offerExpiresAt: nullable(instant()),
  bookingId: nullable(text()),
  joinedAt: instant(),
});
export type WaitlistEntry = Static<typeof WaitlistEntry>;

const entryRef = { sessionId: sessionId(), entryId: text(), contactId: text(), at: instant() };
export const EntryRef = record(entryRef);
export type EntryRef = Static<typeof EntryRef>;

export const waitlistEvents = [
  eventSchema('waitlist.joined', "A contact joined a class session's waitlist.", WaitlistEntry),
  eventSchema(
    'waitlist.offered',
    'Freed seats were offered to a waiting contact, locked for them until offerExpiresAt.',
    record({ ...entryRef, offerExpiresAt: instant(), partySize: partySize() }),
  ),
  eventSchema(
    'waitlist.accepted',
    'A contact accepted their offer: it became a booking.',
    record({ ...entryRef, bookingId: text(), offerExpiresAt: nullable(instant()), ...statusChangeOf(EntryStatus) }),
  ),
  eventSchema('waitlist.offer-expired', 'An offer lapsed unaccepted.', record({ ...entryRef, offerExpiresAt: nullable(instant()), ...statusChangeOf(EntryStatus) })),
  eventSchema(
    'waitlist.left',
    'A contact left the waitlist.',
    record({ ...entryRef, offerExpiresAt: nullable(instant('null: they had no offer')), ...statusChangeOf(EntryStatus) }),
  ),
] as const;
export type WaitlistEvent = EventsOf<typeof waitlistEvents>;
