import { Static } from '@sinclair/typebox';
import { BookedSlot, BookingEvent, BookingStatus, WaitlistEvent, bookingEvents, waitlistEvents } from '@kairos/bookings';
import {
  DocumentLookup,
  DocumentWrite,
  KAIROS_NAMESPACE,
  ProjectedEvent,
  ProjectionDefinition,
  SYSTEM_TENANT,
  deleteDoc,
  eventTypesOf,
  instant,
  integer,
  isOneOf,
  listOf,
  nullable,
  oneOf,
  putDoc,
  record,
  text,
  uuidV5,
} from '@kairos/core';
import { PlanOrderEvent, planOrderEvents } from '@kairos/memberships';
import { DELIVERY_EVENT_TYPES, DeliveryEvent, DeliveryStatus, OutboxDispatched } from './delivery/delivery.events';
import { nextAttemptAt } from './delivery/delivery';
import { OutboxEntry, OutboxSlot } from './outbox';
import { NotificationSettingsView, SettingsEvent, settingsEvents } from './settings/settings.events';
import { DEFAULT_REMINDER_HOURS, SETTINGS_ID, defaultSettings, settingsDecider } from './settings/settings';
import { Channel, Trigger } from './triggers';

/** Things to tell contacts, due at `dueAt`, under the system tenant. */
export const NOTIFICATION_OUTBOX = 'notification_outbox';
/** QUEUED notifications, due when their next attempt is (or their running one falls in doubt), under the system tenant. */
export const NOTIFICATION_DELIVERIES = 'notification_deliveries';
/** The delivery log: one document per notification. */
export const NOTIFICATIONS = 'notifications';
export const NOTIFICATION_SETTINGS = 'notification_settings';
/** What the messages about a booking need of it that its later events do not carry. */
export const NOTIFICATION_BOOKINGS = 'notification_bookings';
/** The same for plan orders. */
export const NOTIFICATION_PLAN_ORDERS = 'notification_plan_orders';

/** A plan order ending this long ahead is announced (PLAN_EXPIRING). */
export const PLAN_EXPIRING_NOTICE_MS = 3 * 24 * 3600_000;
/** A redemption leaving this many credits or fewer (from more) tells the contact (CREDITS_LOW). */
export const CREDITS_LOW_THRESHOLD = 1;

const OUTBOX_NAMESPACE = uuidV5(KAIROS_NAMESPACE, 'notification-outbox');

export interface NotificationBooking {
  id: string;
  contactId: string | null;
  serviceId: string;
  sessionId: string | null;
  slot: OutboxSlot;
  status: BookingStatus;
  sequence: number;
  /** The outbox entry of its pending reminder, if any. */
  reminderId: string | null;
  [key: string]: unknown;
}

interface NotificationPlanOrder {
  id: string;
  contactId: string;
  planName: string;
  endsAt: string | null;
  expiringId: string | null;
  [key: string]: unknown;
}

export const DeliveryAnswer = record({
  attempt: integer(undefined, 0),
  outcome: oneOf(['SENT', 'DEFERRED', 'FAILED']),
  answer: nullable(text("the provider's answer, as it gave it")),
  error: nullable(text()),
  at: instant(),
});
export type DeliveryAnswer = Static<typeof DeliveryAnswer>;

/** A notification as the delivery log shows it. */
export const NotificationView = record({
  id: text('one per (event or reminder, contact, channel)'),
  revision: integer(undefined, 1),
  createdAt: instant(),
  updatedAt: instant(),
  trigger: Trigger,
  channel: Channel,
  contactId: text(),
  bookingId: nullable(text()),
  outboxId: text('what it tells; the notifications on other channels of the same thing share it'),
  status: DeliveryStatus,
  attempts: integer('attempts begun so far', 0),
  nextAttemptAt: nullable(instant('QUEUED: when it is next tried (or its running attempt is checked)')),
  lastError: nullable(text()),
  failureReason: nullable(text('FAILED: why')),
  provider: nullable(text('SENT: smtp, twilio, log, ...')),
  providerMessageId: nullable(text()),
  sentAt: nullable(instant()),
  answers: listOf(DeliveryAnswer, "each attempt's outcome, in order"),
});
export type NotificationLogEntry = Static<typeof NotificationView>;

/** The outbox id of one thing to tell one contact: the same event (or reminder) and contact give the same id, so a replay dedupes. */
export const outboxIdOf = (tenant: string, key: string, contactId: string) => uuidV5(OUTBOX_NAMESPACE, `${tenant}:${key}:${contactId}`);

const outboxKey = (tenant: string, outboxId: string) => `${tenant}|${outboxId}`;

const slotOf = ({ start, end, timeZone, locationId }: BookedSlot): OutboxSlot => ({ start, end, timeZone, locationId });

/** A tenant's settings once changed; until then, none stored. */
const storedSettingsOf = (documents: DocumentLookup, tenant: string) => documents.get<NotificationSettingsView>(NOTIFICATION_SETTINGS, tenant, SETTINGS_ID);

const settingsOf = (documents: DocumentLookup, tenant: string) => storedSettingsOf(documents, tenant) ?? defaultSettings();

/** What a booking's reminder needs of the settings, without building the default settings for every booking. */
const reminderHoursOf = (documents: DocumentLookup, tenant: string) => storedSettingsOf(documents, tenant)?.reminderHoursBefore ?? DEFAULT_REMINDER_HOURS;

type BookingTrigger = Extract<Trigger, `BOOKING_${string}`>;

const BOOKING_TYPES = eventTypesOf(bookingEvents);
const WAITLIST_TYPES = eventTypesOf(waitlistEvents);
const PLAN_ORDER_TYPES = eventTypesOf(planOrderEvents);
const SETTINGS_TYPES = eventTypesOf(settingsEvents);

type Folded = BookingEvent | WaitlistEvent | PlanOrderEvent | SettingsEvent | DeliveryEvent | OutboxDispatched;

const emptyEntry = (tenant: string, outboxId: string, trigger: Trigger, contactId: string, dueAt: string): OutboxEntry => ({
  id: outboxKey(tenant, outboxId),
  tenant,
  outboxId,
  trigger,
  contactId,
  bookingId: null,
  serviceId: null,
  sessionId: null,
  slot: null,
  sequence: 0,
  dueAt,
  message: null,
  offerExpiresAt: null,
  plan: null,
  creditsRemaining: null,
});

const bookingEntry = (event: ProjectedEvent, booking: NotificationBooking & { contactId: string }, trigger: BookingTrigger, key: string, dueAt: string): OutboxEntry => {
  const tenant = event.metadata.tenant;
  return {
    ...emptyEntry(tenant, outboxIdOf(tenant, key, booking.contactId), trigger, booking.contactId, dueAt),
    bookingId: booking.id,
    serviceId: booking.serviceId,
    sessionId: booking.sessionId,
    slot: booking.slot,
    sequence: booking.sequence,
    message: event.metadata.participantNotification?.message ?? null,
  };
};

/**
 * The writes for a booking after an event: its document, the message the event sends (none when
 * the write said not to notify), and its reminder, kept for a CONFIRMED booking whose reminder time
 * is still ahead when the event happens, keyed by the calendar sequence so a moved booking gets a
 * reminder of its own.
 */
const bookingWrites = (event: ProjectedEvent, before: NotificationBooking | null, after: NotificationBooking, trigger: BookingTrigger | null, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const writes: DocumentWrite[] = [];
  const contactId = after.contactId;
  let reminderId: string | null = null;
  if (contactId !== null) {
    const booking = { ...after, contactId };
    const now = event.metadata.occurredAt;
    if (trigger && event.metadata.participantNotification?.notifyParticipants !== false) {
      writes.push(putDoc(NOTIFICATION_OUTBOX, SYSTEM_TENANT, bookingEntry(event, booking, trigger, `${after.id}:${trigger}:${now}`, now)));
    }
    const remindAt = new Date(Date.parse(after.slot.start) - reminderHoursOf(documents, tenant) * 3600_000).toISOString();
    if (after.status === 'CONFIRMED' && remindAt > now) {
      const reminder = { ...bookingEntry(event, booking, 'BOOKING_REMINDER', `${after.id}:reminder:${after.sequence}`, remindAt), message: null };
      reminderId = reminder.outboxId;
      // Carried over unchanged when the booking's time did not move (a confirmation repeated, say).
      if (before?.reminderId !== reminderId) writes.push(putDoc(NOTIFICATION_OUTBOX, SYSTEM_TENANT, reminder));
    }
  }
  if (before?.reminderId && before.reminderId !== reminderId) writes.push(deleteDoc(NOTIFICATION_OUTBOX, SYSTEM_TENANT, outboxKey(tenant, before.reminderId)));
  writes.push(putDoc(NOTIFICATION_BOOKINGS, tenant, { ...after, reminderId }));
  return writes;
};

const bookingDocs = (event: ProjectedEvent<BookingEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  if (event.type === 'booking.created') {
    const { id, contactId, serviceId, sessionId, slot, status } = event.data;
    const booking: NotificationBooking = { id, contactId, serviceId, sessionId, slot: slotOf(slot), status, sequence: 0, reminderId: null };
    const trigger = status === 'CONFIRMED' ? 'BOOKING_CONFIRMED' : status === 'PENDING' ? 'BOOKING_REQUESTED' : null;
    return bookingWrites(event, null, booking, trigger, documents);
  }
  const before = documents.get<NotificationBooking>(NOTIFICATION_BOOKINGS, tenant, event.data.id);
  if (!before) return [];
  switch (event.type) {
    case 'booking.confirmed':
      return bookingWrites(event, before, { ...before, status: 'CONFIRMED' }, 'BOOKING_CONFIRMED', documents);
    case 'booking.declined':
      return bookingWrites(event, before, { ...before, status: 'DECLINED' }, 'BOOKING_DECLINED', documents);
    case 'booking.canceled':
      // A calendar client drops the entry on a CANCEL whose sequence is above the last one it saw.
      return bookingWrites(event, before, { ...before, status: 'CANCELED', sequence: before.sequence + 1 }, 'BOOKING_CANCELED', documents);
    case 'booking.rescheduled':
      return bookingWrites(event, before, { ...before, slot: slotOf(event.data.slot), sessionId: event.data.sessionId, sequence: before.sequence + 1 }, 'BOOKING_RESCHEDULED', documents);
    default:
      return [];
  }
};

const waitlistDocs = (event: ProjectedEvent<WaitlistEvent>): DocumentWrite[] => {
  if (event.type !== 'waitlist.offered') return [];
  const tenant = event.metadata.tenant;
  const { entryId, sessionId, contactId, offerExpiresAt, at } = event.data;
  const entry = emptyEntry(tenant, outboxIdOf(tenant, `${entryId}:offered:${at}`, contactId), 'WAITLIST_OFFERED', contactId, event.metadata.occurredAt);
  return [putDoc(NOTIFICATION_OUTBOX, SYSTEM_TENANT, { ...entry, sessionId, offerExpiresAt })];
};

/** An order's PLAN_EXPIRING entry: kept while it has an end far enough ahead, moved with its end, dropped when it ends or is canceled. */
const planOrderWrites = (event: ProjectedEvent, before: NotificationPlanOrder | null, after: NotificationPlanOrder | null): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const writes: DocumentWrite[] = [];
  let expiringId: string | null = null;
  if (after?.endsAt) {
    const dueAt = new Date(Date.parse(after.endsAt) - PLAN_EXPIRING_NOTICE_MS).toISOString();
    if (dueAt > event.metadata.occurredAt) {
      expiringId = outboxIdOf(tenant, `${after.id}:expiring:${after.endsAt}`, after.contactId);
      const entry = emptyEntry(tenant, expiringId, 'PLAN_EXPIRING', after.contactId, dueAt);
      if (before?.expiringId !== expiringId) writes.push(putDoc(NOTIFICATION_OUTBOX, SYSTEM_TENANT, { ...entry, plan: { name: after.planName, endsAt: after.endsAt } }));
    }
  }
  if (before?.expiringId && before.expiringId !== expiringId) writes.push(deleteDoc(NOTIFICATION_OUTBOX, SYSTEM_TENANT, outboxKey(tenant, before.expiringId)));
  if (after) writes.push(putDoc(NOTIFICATION_PLAN_ORDERS, tenant, { ...after, expiringId }));
  return writes;
};

const planOrderDocs = (event: ProjectedEvent<PlanOrderEvent>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  if (event.type === 'plan-order.purchased') {
    const { id, contactId, planSnapshot, endsAt } = event.data;
    return planOrderWrites(event, null, { id, contactId, planName: planSnapshot.name, endsAt, expiringId: null });
  }
  const before = documents.get<NotificationPlanOrder>(NOTIFICATION_PLAN_ORDERS, tenant, event.data.id);
  if (!before) return [];
  switch (event.type) {
    case 'plan-order.resumed':
      return planOrderWrites(event, before, { ...before, endsAt: event.data.endsAt });
    case 'plan-order.ended':
    case 'plan-order.canceled':
      return planOrderWrites(event, before, { ...before, endsAt: null });
    case 'plan-order.credits-redeemed': {
      const { remaining, credits, at } = event.data;
      if (remaining === null || remaining > CREDITS_LOW_THRESHOLD || remaining + credits <= CREDITS_LOW_THRESHOLD) return [];
      const entry = emptyEntry(tenant, outboxIdOf(tenant, `${before.id}:credits-low:${at}`, before.contactId), 'CREDITS_LOW', before.contactId, event.metadata.occurredAt);
      return [putDoc(NOTIFICATION_OUTBOX, SYSTEM_TENANT, { ...entry, bookingId: event.data.bookingId, plan: { name: before.planName, endsAt: before.endsAt }, creditsRemaining: remaining })];
    }
    default:
      return [];
  }
};

const appended = <T>(list: readonly T[], item: T) => [...list, item];

const deliveryDocs = (event: ProjectedEvent<DeliveryEvent | OutboxDispatched>, documents: DocumentLookup): DocumentWrite[] => {
  const tenant = event.metadata.tenant;
  const timer = outboxKey(tenant, event.data.id);
  if (event.type === 'notification-outbox.dispatched') return [deleteDoc(NOTIFICATION_OUTBOX, SYSTEM_TENANT, timer)];
  if (event.type === 'notification.rendered') return [];
  if (event.type === 'notification.requested') {
    const { id, trigger, channel, contactId, bookingId, outboxId, at } = event.data;
    const entry: NotificationLogEntry = {
      id,
      revision: 1,
      createdAt: at,
      updatedAt: at,
      trigger,
      channel,
      contactId,
      bookingId,
      outboxId,
      status: 'QUEUED',
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      failureReason: null,
      provider: null,
      providerMessageId: null,
      sentAt: null,
      answers: [],
    };
    return [putDoc(NOTIFICATIONS, tenant, { ...entry }), putDoc(NOTIFICATION_DELIVERIES, SYSTEM_TENANT, { id: timer, tenant, notificationId: id, dueAt: at })];
  }
  const before = documents.get<NotificationLogEntry>(NOTIFICATIONS, tenant, event.data.id);
  if (!before) return [];
  const at = event.data.at;
  const base = { ...before, revision: before.revision + 1, updatedAt: at };
  let after: NotificationLogEntry;
  switch (event.type) {
    case 'notification.attempted':
      after = { ...base, attempts: event.data.attempt, nextAttemptAt: nextAttemptAt({ requestedAt: before.createdAt, running: { attempt: event.data.attempt, since: at }, retryAt: null }) };
      break;
    case 'notification.sent': {
      const { attempt, provider, providerMessageId, answer } = event.data;
      after = { ...base, status: 'SENT', provider, providerMessageId, sentAt: at, nextAttemptAt: null, answers: appended(before.answers, { attempt, outcome: 'SENT', answer, error: null, at }) };
      break;
    }
    case 'notification.deferred': {
      const { attempt, error, answer, retryAt } = event.data;
      after = { ...base, nextAttemptAt: retryAt, lastError: error, answers: appended(before.answers, { attempt, outcome: 'DEFERRED', answer, error, at }) };
      break;
    }
    case 'notification.failed': {
      const { attempts, reason, answer } = event.data;
      after = { ...base, status: 'FAILED', failureReason: reason, lastError: reason, nextAttemptAt: null, answers: appended(before.answers, { attempt: attempts, outcome: 'FAILED', answer, error: reason, at }) };
      break;
    }
    default:
      return [];
  }
  return [
    putDoc(NOTIFICATIONS, tenant, { ...after }),
    after.nextAttemptAt === null ? deleteDoc(NOTIFICATION_DELIVERIES, SYSTEM_TENANT, timer) : putDoc(NOTIFICATION_DELIVERIES, SYSTEM_TENANT, { id: timer, tenant, notificationId: after.id, dueAt: after.nextAttemptAt }),
  ];
};

const settingsDocs = (event: ProjectedEvent<SettingsEvent>, documents: DocumentLookup): DocumentWrite[] => [
  putDoc(NOTIFICATION_SETTINGS, event.metadata.tenant, { ...settingsDecider.evolve(settingsOf(documents, event.metadata.tenant), event) }),
];

const isBookingEvent = isOneOf<BookingEvent>(BOOKING_TYPES);
const isWaitlistEvent = isOneOf<WaitlistEvent>(WAITLIST_TYPES);
const isPlanOrderEvent = isOneOf<PlanOrderEvent>(PLAN_ORDER_TYPES);
const isSettingsEvent = isOneOf<SettingsEvent>(SETTINGS_TYPES);

/**
 * The notifier's state: what is to be told (the outbox, with reminders and plans about to end at
 * their time), what each booking and plan order's messages need, each tenant's settings, and the
 * delivery log with the QUEUED notifications' next attempts.
 */
export const notificationsProjection: ProjectionDefinition<Folded> = {
  name: 'notifications',
  collections: [NOTIFICATION_OUTBOX, NOTIFICATION_DELIVERIES, NOTIFICATIONS, NOTIFICATION_SETTINGS, NOTIFICATION_BOOKINGS, NOTIFICATION_PLAN_ORDERS],
  canHandle: [...BOOKING_TYPES, 'waitlist.offered', 'plan-order.purchased', 'plan-order.resumed', 'plan-order.ended', 'plan-order.canceled', 'plan-order.credits-redeemed', ...SETTINGS_TYPES, ...DELIVERY_EVENT_TYPES, 'notification-outbox.dispatched'],
  evolve(event, documents) {
    if (isBookingEvent(event)) return bookingDocs(event, documents);
    if (isWaitlistEvent(event)) return waitlistDocs(event);
    if (isPlanOrderEvent(event)) return planOrderDocs(event, documents);
    if (isSettingsEvent(event)) return settingsDocs(event, documents);
    return deliveryDocs(event as ProjectedEvent<DeliveryEvent | OutboxDispatched>, documents);
  },
};
