import { Static } from '@sinclair/typebox';
import { oneOf } from '@kairos/core';

export const TRIGGERS = [
  'BOOKING_CONFIRMED',
  'BOOKING_REQUESTED',
  'BOOKING_DECLINED',
  'BOOKING_CANCELED',
  'BOOKING_RESCHEDULED',
  'BOOKING_REMINDER',
  'WAITLIST_OFFERED',
  'PLAN_EXPIRING',
  'CREDITS_LOW',
] as const;
export const Trigger = oneOf(TRIGGERS, 'what the message is about; BOOKING_REQUESTED: a PENDING booking awaiting approval');
export type Trigger = Static<typeof Trigger>;

export const CHANNELS = ['EMAIL', 'SMS'] as const;
export const Channel = oneOf(CHANNELS);
export type Channel = Static<typeof Channel>;

export const isTrigger = (value: string): value is Trigger => (TRIGGERS as readonly string[]).includes(value);
export const isChannel = (value: string): value is Channel => (CHANNELS as readonly string[]).includes(value);
