import { Static } from '@sinclair/typebox';
import { DomainEvent, EventsOf, aggregateId, eventSchema, instant, integer, nullable, oneOf, record, text } from '@kairos/core';
import { Channel, Trigger } from '../triggers';

export const DeliveryStatus = oneOf(['QUEUED', 'SENT', 'FAILED'], 'QUEUED until the provider took it (SENT) or it was given up (FAILED)');
export type DeliveryStatus = Static<typeof DeliveryStatus>;

export const CalendarEntry = record(
  {
    method: oneOf(['REQUEST', 'CANCEL']),
    uid: text('stable per booking: `<bookingId>@kairos`'),
    sequence: integer('grows with every change of the booking', 0),
    start: instant(),
    end: instant(),
    summary: text(),
    description: nullable(text()),
    location: nullable(text()),
  },
  'the booking as a calendar entry (.ics), for emails about a booking',
);
export type CalendarEntry = Static<typeof CalendarEntry>;

export const RenderedMessage = record(
  {
    to: text('an email address or an E.164 phone number'),
    subject: nullable(text()),
    text: text(),
    html: nullable(text()),
    calendar: nullable(CalendarEntry),
  },
  'the message as rendered when it was asked for: every attempt sends exactly this',
);
export type RenderedMessage = Static<typeof RenderedMessage>;

const about = {
  id: aggregateId('the notification: one per (event or reminder, contact, channel)'),
  trigger: Trigger,
  channel: Channel,
  contactId: text(),
  bookingId: nullable(text('the booking it is about; null for waitlist offers and plans')),
};

const requested = record({
  ...about,
  outboxId: text('the thing to tell the contact it came from; its other channels share it'),
  at: instant(),
});

export const deliveryEvents = [
  eventSchema('notification.requested', 'A message to a contact was asked for on one channel; it is QUEUED until sent or given up.', requested),
  eventSchema(
    'notification.sent',
    'The provider took the message.',
    record({
      ...about,
      attempt: integer('the attempt that got it through', 1),
      provider: text('smtp, twilio, log, ...'),
      providerMessageId: nullable(text()),
      answer: text("the provider's answer"),
      at: instant(),
    }),
  ),
  eventSchema(
    'notification.failed',
    'The message was given up: the provider refused it for good, or the attempts ran out.',
    record({ ...about, reason: text(), answer: nullable(text("the provider's last answer")), attempts: integer(undefined, 0), at: instant() }),
  ),
] as const;

/**
 * The rest of a notification's stream stays internal: the rendered message (personal data, sealed
 * with the contact's key), each attempt, and each retry.
 */
export type InternalDeliveryEvent =
  | DomainEvent<'notification.rendered', { id: string; contactId: string; message: RenderedMessage }>
  | DomainEvent<'notification.attempted', { id: string; attempt: number; at: string }>
  | DomainEvent<'notification.deferred', { id: string; attempt: number; error: string; answer: string | null; retryAt: string; at: string }>;

export type DeliveryEvent = EventsOf<typeof deliveryEvents> | InternalDeliveryEvent;

/** An outbox entry was turned into one notification per channel (none when no channel applied), or skipped with the reason. */
export type OutboxDispatched = DomainEvent<'notification-outbox.dispatched', { id: string; notificationIds: string[]; skipped: string | null; at: string }>;

export const DELIVERY_EVENT_TYPES: DeliveryEvent['type'][] = ['notification.requested', 'notification.rendered', 'notification.attempted', 'notification.sent', 'notification.deferred', 'notification.failed'];
