import { calendarUid } from '@kairos/calendars';
import { CHANNELS, CalendarEntry, Channel, NotificationRequest, NotificationSettingsView, OutboxEntry, RenderedMessage, Trigger, isEnabled } from '@kairos/notifications';
import { Recipient } from './recipients';
import { TemplateData, localTime, renderTemplate, templateFor } from './templates';

/** What a message needs besides its outbox entry, read by the dispatcher. */
export interface DispatchFacts {
  settings: NotificationSettingsView;
  recipient: Recipient | null;
  serviceName: string | null;
}

const INVITE_METHOD: Partial<Record<Trigger, CalendarEntry['method']>> = {
  BOOKING_CONFIRMED: 'REQUEST',
  BOOKING_RESCHEDULED: 'REQUEST',
  BOOKING_REMINDER: 'REQUEST',
  BOOKING_CANCELED: 'CANCEL',
};

/** A reminder is only worth sending before its booking starts; one due while the service was down and found after the start is skipped. */
export const skipReason = (entry: OutboxEntry, now: Date): string | null =>
  entry.trigger === 'BOOKING_REMINDER' && entry.slot && Date.parse(entry.slot.start) <= now.getTime() ? 'the booking had started before its reminder could go out' : null;

const addressOn = (recipient: Recipient, channel: Channel) => (channel === 'EMAIL' ? recipient.email : recipient.phone);

const templateData = (entry: OutboxEntry, facts: DispatchFacts): TemplateData => {
  // The contact's zone, else the slot's: a time is always shown with the zone it is in.
  const zone = facts.recipient?.timeZone ?? entry.slot?.timeZone ?? 'UTC';
  const zoned = (instant: string | null) => (instant === null ? null : `${localTime(instant, zone)} (${zone})`);
  return {
    contact: { name: facts.recipient?.name ?? null },
    service: { name: facts.serviceName },
    booking: {
      id: entry.bookingId,
      start: entry.slot && localTime(entry.slot.start, zone),
      end: entry.slot && localTime(entry.slot.end, zone),
      timeZone: entry.slot && zone,
    },
    message: entry.message,
    business: { name: facts.settings.senderName },
    offer: { expiresAt: zoned(entry.offerExpiresAt) },
    plan: { name: entry.plan?.name ?? null, endsAt: zoned(entry.plan?.endsAt ?? null) },
    credits: { remaining: entry.creditsRemaining },
  };
};

const calendarOf = (entry: OutboxEntry, facts: DispatchFacts): CalendarEntry | null => {
  const method = INVITE_METHOD[entry.trigger];
  if (!method || !entry.slot || !entry.bookingId) return null;
  return {
    method,
    uid: calendarUid(entry.bookingId),
    sequence: entry.sequence,
    start: entry.slot.start,
    end: entry.slot.end,
    summary: facts.serviceName ?? 'Booking',
    description: entry.message,
    location: null,
  };
};

export interface PlannedNotification {
  request: NotificationRequest;
  message: RenderedMessage;
}

/**
 * One notification per channel the tenant's settings enable for the trigger and the contact has an
 * address for, each rendered from the template in force; none when the contact cannot be reached.
 */
export const notificationsFor = (entry: OutboxEntry, facts: DispatchFacts, idOf: (channel: Channel) => string): PlannedNotification[] =>
  CHANNELS.flatMap((channel) => {
    const to = facts.recipient && addressOn(facts.recipient, channel);
    if (!to || !isEnabled(facts.settings, entry.trigger, channel)) return [];
    const texts = renderTemplate(templateFor(facts.settings, entry.trigger, channel), channel, templateData(entry, facts));
    const request: NotificationRequest = { id: idOf(channel), trigger: entry.trigger, channel, contactId: entry.contactId, bookingId: entry.bookingId, outboxId: entry.outboxId };
    return [{ request, message: { to, ...texts, calendar: channel === 'EMAIL' ? calendarOf(entry, facts) : null } }];
  });
