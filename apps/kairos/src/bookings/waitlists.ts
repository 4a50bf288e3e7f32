import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SeatsEvent, WAITLIST_ENTRIES, WaitlistEntry, WaitlistEvent, seatsDecider, seatsLocked, seatsStream, seatsTaken, waitlistDecider, waitlistStream } from '@kairos/bookings';
import { Decider, DomainError, DomainEvent, fold, newId } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { RequestContext } from '../http/request-context';
import { StreamEvents, StreamOf, StreamReader, States, handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { READ_STORE } from '../infrastructure/tokens';
import { BookingFacts } from './booking-facts';
import { CreateBooking } from './create-booking';

/** What follows a decision that may free seats: the streams it reads, and the appends it extends. */
export interface FreedSeatsOffer {
  streams: StreamOf<unknown>[];
  after(states: States, appends: StreamEvents[], now: Date): StreamEvents[];
}

const NO_OFFER: FreedSeatsOffer = { streams: [], after: (_states, appends) => appends };

/** A stream's state with the events a command is about to append already applied, and its append to extend. */
const onTopOf = <S, E extends DomainEvent>(states: States, appends: StreamEvents[], stream: StreamOf<S>, decider: Pick<Decider<unknown, S, E, never>, 'initialState' | 'evolve'>) => {
  const queued = appends.find((p) => p.streamId === stream.streamId);
  return { state: fold(decider, (queued?.events ?? []) as E[], states.of(stream)), append: queued ?? { streamId: stream.streamId, events: [] } };
};

const withAppend = (appends: StreamEvents[], append: StreamEvents) => [...appends.filter((p) => p.streamId !== append.streamId), append];

/**
 * Offers a class session's free seats to its waitlist, in the same append as whatever freed them:
 * the offer locks the seats (seats stream) and records the offer (waitlist stream) together.
 */
@Injectable()
export class Waitlists {
  constructor(private readonly facts: BookingFacts) {}

  async offerFreed(reader: StreamReader, tenant: string, sessionId: string): Promise<FreedSeatsOffer> {
    // A canceled session (or an instance past its series' end) offers nothing: its waitlist ended with it.
    const bookable = await this.facts.classContext(reader, tenant, sessionId).catch((error: unknown) => {
      if (error instanceof DomainError && (error.code === 'not-found' || error.code === 'invalid-transition')) return null;
      throw error;
    });
    if (!bookable) return NO_OFFER;
    const { service, capacity } = bookable;
    const policy = await this.facts.policy(reader, tenant, service.bookingPolicyId);
    const rules = policy.waitlist;
    if (!rules) return NO_OFFER;
    const seatsOf = streamOf(seatsStream(tenant, sessionId), seatsDecider);
    const waitlistOf = streamOf(waitlistStream(tenant, sessionId), waitlistDecider);
    return {
      streams: [seatsOf, waitlistOf],
      after: (states, appends, now) => {
        const seats = onTopOf<ReturnType<typeof seatsDecider.initialState>, SeatsEvent>(states, appends, seatsOf, seatsDecider);
        const free = capacity - seatsTaken(seats.state) - seatsLocked(seats.state, now);
        if (free <= 0 || seats.state.closed) return appends;
        const waitlist = onTopOf<ReturnType<typeof waitlistDecider.initialState>, WaitlistEvent>(states, appends, waitlistOf, waitlistDecider);
        const offers = waitlistDecider.decide({ type: 'OfferFreed', freeSeats: free, reservationMinutes: rules.reservationMinutes }, waitlist.state, { now });
        if (offers.length === 0) return appends;
        let state = seats.state;
        const locks: SeatsEvent[] = [];
        for (const offer of offers) {
          if (offer.type !== 'waitlist.offered') continue;
          const lock = seatsDecider.decide(
            { type: 'Lock', offerId: sessionId, entryId: offer.data.entryId, contactId: offer.data.contactId, partySize: offer.data.partySize, capacity, until: new Date(offer.data.offerExpiresAt) },
            state,
            { now },
          );
          state = fold(seatsDecider, lock, state);
          locks.push(...lock);
        }
        const withLocks = withAppend(appends, { ...seats.append, events: [...seats.append.events, ...locks] });
        return withAppend(withLocks, { ...waitlist.append, events: [...waitlist.append.events, ...offers] });
      },
    };
  }
}

export class JoinWaitlist {
  constructor(readonly ctx: RequestContext, readonly sessionId: string, readonly contactId: string, readonly partySize: number) {}
}
export class EndWaitlistEntry {
  constructor(readonly ctx: RequestContext, readonly entryId: string, readonly how: 'leave' | 'expire') {}
}
export class AcceptWaitlistOffer {
  constructor(readonly ctx: RequestContext, readonly entryId: string) {}
}

@CommandHandler(JoinWaitlist)
export class JoinWaitlistHandler implements ICommandHandler<JoinWaitlist> {
  constructor(private readonly es: EventSourcing, private readonly facts: BookingFacts) {}

  execute({ ctx, sessionId, contactId, partySize }: JoinWaitlist) {
    const entryId = newId();
    return handleCommand(this.es, ctx, async (attempt) => {
      const { service, session, capacity } = await this.facts.classContext(attempt, ctx.tenant, sessionId);
      const policy = await this.facts.policy(attempt, ctx.tenant, service.bookingPolicyId);
      const seats = streamOf(seatsStream(ctx.tenant, session.id), seatsDecider);
      const waitlist = streamOf(waitlistStream(ctx.tenant, session.id), waitlistDecider);
      return {
        streams: [seats, waitlist],
        decide: (states, now) => {
          const openSpots = capacity - seatsTaken(states.of(seats)) - seatsLocked(states.of(seats), now);
          const events = waitlistDecider.decide(
            { type: 'Join', sessionId: session.id, entryId, contactId, partySize, waitlistCapacity: policy.waitlist?.capacity ?? 0, openSpots },
            states.of(waitlist),
            { now },
          );
          const joined = fold(waitlistDecider, events, states.of(waitlist)).entries.find((e) => e.entryId === entryId)!;
          return { appends: [{ streamId: waitlist.streamId, events }], answer: joined, location: `/v1/waitlist/${entryId}` };
        },
      };
    });
  }
}

const entryOf = async (readStore: ReadStore, tenant: string, entryId: string) => {
  const indexed = await readStore.get<WaitlistEntry & { id: string }>(WAITLIST_ENTRIES, tenant, entryId);
  if (!indexed) throw new DomainError('not-found', `waitlist entry ${entryId} does not exist`);
  return indexed;
};

@CommandHandler(EndWaitlistEntry)
export class EndWaitlistEntryHandler implements ICommandHandler<EndWaitlistEntry> {
  constructor(private readonly es: EventSourcing, private readonly waitlists: Waitlists, @Inject(READ_STORE) private readonly readStore: ReadStore) {}

  /** Leaving, or an offer lapsing: the entry ends, its locked seats unlock, and they go to the next in line. */
  async execute({ ctx, entryId, how }: EndWaitlistEntry) {
    const { sessionId } = await entryOf(this.readStore, ctx.tenant, entryId);
    const waitlist = streamOf(waitlistStream(ctx.tenant, sessionId), waitlistDecider);
    const seats = streamOf(seatsStream(ctx.tenant, sessionId), seatsDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const { now } = attempt;
      const before = await attempt.read(waitlist);
      const events = waitlistDecider.decide({ type: how === 'leave' ? 'Leave' : 'Expire', entryId, actor: ctx.actor.type }, before, { now });
      const offer = events.length > 0 ? await this.waitlists.offerFreed(attempt, ctx.tenant, sessionId) : NO_OFFER;
      return {
        streams: [waitlist, seats, ...offer.streams],
        decide: (states) => {
          const unlocked = events.length > 0 ? [{ streamId: seats.streamId, events: seatsDecider.decide({ type: 'Unlock', offerId: sessionId, entryId }, states.of(seats), { now }) }] : [];
          return {
            appends: offer.after(states, [{ streamId: waitlist.streamId, events }, ...unlocked], now),
            answer: fold(waitlistDecider, events, before).entries.find((e) => e.entryId === entryId),
          };
        },
      };
    });
  }
}

/** Accepting an offer is booking the locked seats: the booking path with the entry, which takes them and ends the offer. */
@CommandHandler(AcceptWaitlistOffer)
export class AcceptWaitlistOfferHandler implements ICommandHandler<AcceptWaitlistOffer> {
  constructor(private readonly es: EventSourcing, private readonly commands: CommandBus, private readonly facts: BookingFacts, @Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, entryId }: AcceptWaitlistOffer) {
    const entry = await entryOf(this.readStore, ctx.tenant, entryId);
    const { service } = await this.facts.classContext(this.es, ctx.tenant, entry.sessionId);
    return this.commands.execute(new CreateBooking(ctx, { serviceId: service.id, sessionId: entry.sessionId, contactId: entry.contactId, partySize: entry.partySize }, entryId));
  }
}
