import { HOLD_TIMERS } from '@kairos/bookings';
import { DueTimer, timerSource } from '../infrastructure/timers';
import { EndSlotHold } from './slot-holds';
import { EndWaitlistEntry } from './waitlists';

type HoldTimer = DueTimer & ({ kind: 'hold'; holdId: string } | { kind: 'offer'; entryId: string });

/** Slot holds and waitlist offers expire by the durable timer. */
export const BOOKING_TIMERS = [
  timerSource<HoldTimer>({
    collection: HOLD_TIMERS,
    commandFor: (timer, ctx) => (timer.kind === 'offer' ? new EndWaitlistEntry(ctx, timer.entryId, 'expire') : new EndSlotHold(ctx, timer.holdId, 'expire')),
  }),
];
