import { Channel, Trigger } from '../triggers';
import { MessageTemplate } from './settings.events';

const when = '{{booking.start}} – {{booking.end}} ({{booking.timeZone}})';
const note = '{{#if message}}\n\n{{message}}{{/if}}';
const signature = '{{#if business.name}}\n\n{{business.name}}{{/if}}';

const booking = (subject: string, line: string): Record<Channel, MessageTemplate> => ({
  EMAIL: { subject: `${subject}: {{service.name}}`, body: `Hello {{contact.name}},\n\n${line}\n\n{{service.name}}\n${when}${note}${signature}` },
  SMS: { subject: null, body: `${line} {{service.name}}, ${when}.{{#if message}} {{message}}{{/if}}` },
});

/**
 * What each trigger says on each channel until the business writes its own: plain sentences with
 * the placeholders every message can use (see `TEMPLATE_PLACEHOLDERS`).
 */
export const DEFAULT_TEMPLATES: Record<Trigger, Record<Channel, MessageTemplate>> = {
  BOOKING_CONFIRMED: booking('Booking confirmed', 'Your booking is confirmed.'),
  BOOKING_REQUESTED: booking('Booking requested', 'We received your booking request and will confirm it soon.'),
  BOOKING_DECLINED: booking('Booking declined', 'Sorry, your booking request was declined.'),
  BOOKING_CANCELED: booking('Booking canceled', 'Your booking was canceled.'),
  BOOKING_RESCHEDULED: booking('Booking moved', 'Your booking moved to a new time.'),
  BOOKING_REMINDER: booking('Reminder', 'A reminder of your booking.'),
  WAITLIST_OFFERED: {
    EMAIL: { subject: 'A spot opened up', body: 'Hello {{contact.name}},\n\nA spot opened up for you. It is held for you until {{offer.expiresAt}}.' + note + signature },
    SMS: { subject: null, body: 'A spot opened up for you, held until {{offer.expiresAt}}.' },
  },
  PLAN_EXPIRING: {
    EMAIL: { subject: 'Your plan {{plan.name}} ends soon', body: 'Hello {{contact.name}},\n\nYour plan {{plan.name}} ends on {{plan.endsAt}}.' + signature },
    SMS: { subject: null, body: 'Your plan {{plan.name}} ends on {{plan.endsAt}}.' },
  },
  CREDITS_LOW: {
    EMAIL: { subject: 'Few credits left on {{plan.name}}', body: 'Hello {{contact.name}},\n\nYou have {{credits.remaining}} credit(s) left on {{plan.name}}.' + signature },
    SMS: { subject: null, body: '{{credits.remaining}} credit(s) left on {{plan.name}}.' },
  },
};

/** The values a template may name; anything else is refused when the template is saved. */
export const TEMPLATE_PLACEHOLDERS = [
  'contact.name',
  'service.name',
  'booking.id',
  'booking.start',
  'booking.end',
  'booking.timeZone',
  'message',
  'business.name',
  'offer.expiresAt',
  'plan.name',
  'plan.endsAt',
  'credits.remaining',
] as const;

export const templateKey = (trigger: Trigger, channel: Channel) => `${trigger}.${channel}`;
