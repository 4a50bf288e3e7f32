import { ICommand } from '@nestjs/cqrs';
import { RequestContext } from '../http/request-context';

/** A timer as a projection keeps it: under the system tenant, naming the tenant it is for and when it is due. */
export interface DueTimer {
  id: string;
  tenant: string;
  dueAt: string;
}

/**
 * A capability's timers: the read-model collection its projection keeps them in, and the command
 * that settles a due one. The command decides from its aggregate's state and the instant, so a
 * timer fired twice (two sweepers, a sweep before the projection caught up) changes nothing the
 * second time.
 */
export interface TimerSource<Timer extends DueTimer = DueTimer> {
  collection: string;
  commandFor(timer: Timer, ctx: RequestContext): ICommand;
}

/** Declares a timer source with its own timer type. */
export const timerSource = <Timer extends DueTimer>(source: TimerSource<Timer>): TimerSource => source as unknown as TimerSource;
