import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Injectable, Param, Post, Query } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import {
  SeatsEvent,
  WAITLISTS,
  WAITLIST_ENTRIES,
  WaitlistEntry,
  WaitlistEvent,
  seatsDecider,
  seatsLocked,
  seatsStream,
  seatsTaken,
  waitlistDecider,
  waitlistStream,
} from '@kairos/bookings';
import { Decider, DomainError, DomainEvent, fold, newId } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { ReadQueryDto, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { Optional } from '../http/validators';
import { EventSourcing, PendingAppend } from '../infrastructure/event-sourcing';
import { READ_STORE } from '../infrastructure/tokens';
import { GetDocument } from '../queries/read-models';
import { BookingFacts, CreateBooking } from './bookings.commands';
import { CreateBookingDto } from './bookings.dto';

/** A stream's state with the events a command is about to append already applied, and its append to extend. */
const onTopOf = async <S, E extends DomainEvent>(es: EventSourcing, pending: PendingAppend[], streamId: string, decider: Pick<Decider<unknown, S, E, never>, 'initialState' | 'evolve'>) => {
  const queued = pending.find((p) => p.streamId === streamId);
  const loaded = await es.load(streamId, decider);
  return { state: fold(decider, (queued?.events ?? []) as E[], loaded.state), append: queued ?? { streamId, expected: loaded.expected, events: [] } };
};

const withAppend = (pending: PendingAppend[], append: PendingAppend) => [...pending.filter((p) => p.streamId !== append.streamId), append];

/**
 * Offers a class session's free seats to its waitlist, in the same append as whatever freed them:
 * the offer locks the seats (seats stream) and records the offer (waitlist stream) together.
 */
@Injectable()
export class Waitlists {
  constructor(private readonly es: EventSourcing, private readonly facts: BookingFacts) {}

  async offerFreed(ctx: RequestContext, sessionId: string, pending: PendingAppend[], now: Date): Promise<PendingAppend[]> {
    const { service, capacity } = await this.facts.classContext(ctx.tenant, sessionId);
    const policy = await this.facts.policy(ctx.tenant, service.bookingPolicyId);
    if (!policy.waitlist) return pending;
    const seats = await onTopOf<ReturnType<typeof seatsDecider.initialState>, SeatsEvent>(this.es, pending, seatsStream(ctx.tenant, sessionId), seatsDecider);
    const free = capacity - seatsTaken(seats.state) - seatsLocked(seats.state, now);
    if (free <= 0) return pending;
    const waitlist = await onTopOf<ReturnType<typeof waitlistDecider.initialState>, WaitlistEvent>(this.es, pending, waitlistStream(ctx.tenant, sessionId), waitlistDecider);
    const offers = waitlistDecider.decide({ type: 'OfferFreed', freeSeats: free, reservationMinutes: policy.waitlist.reservationMinutes }, waitlist.state, { now });
    if (offers.length === 0) return pending;
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
    const withLocks = withAppend(pending, { ...seats.append, events: [...seats.append.events, ...locks] });
    return withAppend(withLocks, { ...waitlist.append, events: [...waitlist.append.events, ...offers] });
  }
}

export class JoinWaitlistDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() contactId!: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) partySize?: number;
}

export class JoinWaitlist {
  constructor(readonly ctx: RequestContext, readonly sessionId: string, readonly dto: JoinWaitlistDto) {}
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

  async execute({ ctx, sessionId, dto }: JoinWaitlist) {
    const entryId = newId();
    return this.es.retrying(async () => {
      const now = this.es.now();
      const { service, session, capacity } = await this.facts.classContext(ctx.tenant, sessionId);
      const policy = await this.facts.policy(ctx.tenant, service.bookingPolicyId);
      const seats = await this.es.load(seatsStream(ctx.tenant, session.id), seatsDecider);
      const openSpots = capacity - seatsTaken(seats.state) - seatsLocked(seats.state, now);
      const waitlist = await this.es.load(waitlistStream(ctx.tenant, session.id), waitlistDecider);
      const events = waitlistDecider.decide(
        { type: 'Join', sessionId: session.id, entryId, contactId: dto.contactId, partySize: dto.partySize ?? 1, waitlistCapacity: policy.waitlist?.capacity ?? 0, openSpots },
        waitlist.state,
        { now },
      );
      const joined = fold(waitlistDecider, events, waitlist.state).entries.find((e) => e.entryId === entryId)!;
      return this.es.commit(ctx, [{ streamId: waitlistStream(ctx.tenant, session.id), expected: waitlist.expected, events }], now, joined, `/v1/waitlist/${entryId}`);
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
    return this.es.retrying(async () => {
      const now = this.es.now();
      const waitlist = await this.es.load(waitlistStream(ctx.tenant, sessionId), waitlistDecider);
      const events = waitlistDecider.decide(how === 'leave' ? { type: 'Leave', entryId } : { type: 'Expire', entryId }, waitlist.state, { now });
      let pending: PendingAppend[] = [{ streamId: waitlistStream(ctx.tenant, sessionId), expected: waitlist.expected, events }];
      if (events.length > 0) {
        const seats = await this.es.load(seatsStream(ctx.tenant, sessionId), seatsDecider);
        pending.push({ streamId: seatsStream(ctx.tenant, sessionId), expected: seats.expected, events: seatsDecider.decide({ type: 'Unlock', offerId: sessionId, entryId }, seats.state, { now }) });
        pending = await this.waitlists.offerFreed(ctx, sessionId, pending, now);
      }
      return this.es.commit(ctx, pending, now, fold(waitlistDecider, events, waitlist.state).entries.find((e) => e.entryId === entryId));
    });
  }
}

/** Accepting an offer is booking the locked seats: the booking path with the entry, which takes them and ends the offer. */
@CommandHandler(AcceptWaitlistOffer)
export class AcceptWaitlistOfferHandler implements ICommandHandler<AcceptWaitlistOffer> {
  constructor(private readonly commands: CommandBus, private readonly facts: BookingFacts, @Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async execute({ ctx, entryId }: AcceptWaitlistOffer) {
    const entry = await entryOf(this.readStore, ctx.tenant, entryId);
    const { service } = await this.facts.classContext(ctx.tenant, entry.sessionId);
    const booking = Object.assign(new CreateBookingDto(), { serviceId: service.id, sessionId: entry.sessionId, contactId: entry.contactId, partySize: entry.partySize });
    return this.commands.execute(new CreateBooking(ctx, booking, entryId));
  }
}

@ApiTags('waitlist')
@Controller('v1')
export class WaitlistController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post('sessions/:sessionId/waitlist')
  join(@Ctx() ctx: RequestContext, @Param('sessionId') sessionId: string, @Body() dto: JoinWaitlistDto) {
    return this.commands.execute(new JoinWaitlist(ctx, sessionId, dto));
  }

  @Get('sessions/:sessionId/waitlist')
  list(@Ctx() ctx: RequestContext, @Param('sessionId') sessionId: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, { projection: 'bookings', collection: WAITLISTS, noun: 'waitlist' }, sessionId, minPositionOf(query, min)));
  }

  @Post('waitlist/:entryId/accept')
  @HttpCode(201)
  accept(@Ctx() ctx: RequestContext, @Param('entryId') entryId: string) {
    return this.commands.execute(new AcceptWaitlistOffer(ctx, entryId));
  }

  @Delete('waitlist/:entryId')
  @HttpCode(200)
  leave(@Ctx() ctx: RequestContext, @Param('entryId') entryId: string) {
    return this.commands.execute(new EndWaitlistEntry(ctx, entryId, 'leave'));
  }
}
