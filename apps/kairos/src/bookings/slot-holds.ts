import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Param, Post, Query } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { HOLD_TIMERS, SLOT_HOLDS, SYSTEM_TENANT, SlotHoldView, slotHoldDecider, slotHoldStream } from '@kairos/bookings';
import { DomainError, KAIROS_NAMESPACE, StoreUnavailable, existing, fold, newId, uuidV5 } from '@kairos/core';
import { ReadStore } from '@kairos/read-store';
import { KairosConfig } from '../config/config';
import { ReadQueryDto, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { Optional } from '../http/validators';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { CONFIG, READ_STORE } from '../infrastructure/tokens';
import { GetDocument } from '../queries/read-models';
import { BookingFacts, classSlotOf, targetOf } from './bookings.commands';
import { SlotDto } from './bookings.dto';
import { Holds, appointmentSessionIdOf } from './holds';
import { EndWaitlistEntry } from './waitlists';

export class HoldSlotDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() id?: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() serviceId!: string;
  @ApiPropertyOptional({ type: SlotDto, description: 'APPOINTMENT' }) @Optional() @ValidateNested() @Type(() => SlotDto) slot?: SlotDto;
  @ApiPropertyOptional({ description: 'CLASS' }) @Optional() @IsUUID() sessionId?: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() contactId!: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000 }) @Optional() @IsInt() @Min(1) @Max(1000) partySize?: number;
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 60 }) @Optional() @IsInt() @Min(1) @Max(60) minutes?: number;
}

export class HoldSlot {
  constructor(readonly ctx: RequestContext, readonly dto: HoldSlotDto) {}
}
export class EndSlotHold {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly how: 'release' | 'expire') {}
}

@CommandHandler(HoldSlot)
export class HoldSlotHandler implements ICommandHandler<HoldSlot> {
  constructor(private readonly es: EventSourcing, private readonly holds: Holds, private readonly facts: BookingFacts) {}

  async execute({ ctx, dto }: HoldSlot) {
    const id = dto.id ?? newId();
    if (Boolean(dto.slot) === Boolean(dto.sessionId)) {
      throw new DomainError('validation', 'give exactly one of slot, sessionId', [{ field: 'slot', reason: 'exactly one of slot, sessionId' }]);
    }
    return this.es.retrying(async () => {
      const now = this.es.now();
      const service = await this.facts.service(ctx.tenant, dto.serviceId);
      const policy = await this.facts.policy(ctx.tenant, service.bookingPolicyId);
      const schedule = await this.facts.schedule(ctx.tenant, service.scheduleId);
      let capacity = 1;
      let sessionId: string | null = null;
      let slot;
      if (service.type === 'APPOINTMENT' && dto.slot) {
        slot = await this.facts.appointmentSlot(ctx, service, policy, dto.slot, id, now);
      } else if (service.type === 'CLASS' && dto.sessionId) {
        const session = await this.facts.classSession(ctx.tenant, service, dto.sessionId);
        sessionId = session.id;
        capacity = session.capacity ?? schedule.capacity;
        slot = classSlotOf(session);
      } else {
        throw new DomainError('validation', 'an appointment is held by slot, a class by session', [{ field: dto.slot ? 'slot' : 'sessionId', reason: `not for a ${service.type}` }]);
      }
      const hold = await this.es.load(slotHoldStream(ctx.tenant, id), slotHoldDecider);
      const events = slotHoldDecider.decide(
        {
          type: 'PlaceHold',
          minutes: dto.minutes ?? 10,
          hold: {
            id,
            serviceId: service.id,
            serviceType: service.type,
            slot,
            sessionId,
            scheduleId: null,
            appointmentSessionId: service.type === 'APPOINTMENT' ? appointmentSessionIdOf(id, 1) : null,
            partySize: dto.partySize ?? 1,
            contactId: dto.contactId,
          },
        },
        hold.state,
        { now },
      );
      const view = viewOf(fold(slotHoldDecider, events, hold.state));
      const taken = await this.holds.take(ctx, targetOf({ ...view, id }, service.scheduleId, capacity), now);
      return this.es.commit(ctx, [{ streamId: slotHoldStream(ctx.tenant, id), expected: hold.expected, events }, ...taken], now, view, `/v1/slot-holds/${id}`);
    });
  }
}

const viewOf = (state: ReturnType<typeof slotHoldDecider.initialState>): SlotHoldView => existing(state, 'slot hold');

/** Releasing (by the caller) and expiring (by the timer) both give the slot back with the hold's end. */
@CommandHandler(EndSlotHold)
export class EndSlotHoldHandler implements ICommandHandler<EndSlotHold> {
  constructor(private readonly es: EventSourcing, private readonly holds: Holds, private readonly facts: BookingFacts) {}

  async execute({ ctx, id, how }: EndSlotHold) {
    return this.es.retrying(async () => {
      const now = this.es.now();
      const hold = await this.es.load(slotHoldStream(ctx.tenant, id), slotHoldDecider);
      const events = slotHoldDecider.decide({ type: how === 'release' ? 'ReleaseHold' : 'ExpireHold' }, hold.state, { now });
      const view = viewOf(hold.state);
      const service = await this.facts.service(ctx.tenant, view.serviceId).catch(() => null);
      const released = events.length > 0 ? await this.holds.release(ctx, targetOf({ ...view }, service?.scheduleId ?? '', 1), now) : [];
      return this.es.commit(ctx, [{ streamId: slotHoldStream(ctx.tenant, id), expected: hold.expected, events }, ...released], now, viewOf(fold(slotHoldDecider, events, hold.state)));
    });
  }
}

@ApiTags('slot-holds')
@Controller('v1/slot-holds')
export class SlotHoldsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @ApiOperation({ summary: 'Hold a slot for a checkout (default 10 minutes); others cannot book it meanwhile' })
  hold(@Ctx() ctx: RequestContext, @Body() dto: HoldSlotDto) {
    return this.commands.execute(new HoldSlot(ctx, dto));
  }

  @Get(':id')
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, { projection: 'bookings', collection: SLOT_HOLDS, noun: 'slot hold' }, id, minPositionOf(query, min)));
  }

  @Delete(':id')
  @HttpCode(200)
  release(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.commands.execute(new EndSlotHold(ctx, id, 'release'));
  }
}

const SWEEP_EVERY_MS = 1000;
const MAX_SWEEP_BACKOFF_MS = 10_000;

/**
 * The durable timer: every second it asks the read model for holds and waitlist offers past their
 * expiry and ends them
 * with an event. The hold and its expiry live in the event store, so a restart loses nothing; it
 * only picks them up on its next look. Runs with the projector role, in one process or several
 * (ending a hold twice is a no-op). While a store is unreachable it looks less and less often (up to
 * every 10 s) and goes back to every second at the first look that works.
 */
@Injectable()
export class HoldExpiryTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('hold-expiry');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly commands: CommandBus,
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CONFIG) private readonly config: KairosConfig,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.roles.includes('projector')) return;
    this.schedule(SWEEP_EVERY_MS);
  }

  private schedule(delay: number) {
    this.timer = setTimeout(() => (this.running = this.sweepAndSchedule()), delay);
  }

  /** Never rejects: a failing look is logged once per outage, and each one after it waits longer. */
  private async sweepAndSchedule(): Promise<void> {
    try {
      await this.sweep();
      if (this.failures > 0) this.logger.log({ message: 'looking for expired holds again', failedLooks: this.failures });
      this.failures = 0;
    } catch (error) {
      if (this.failures++ === 0) this.logger.warn({ message: 'could not look for expired holds; backing off', error: (error as Error).message });
    }
    if (!this.stopped) this.schedule(Math.min(SWEEP_EVERY_MS * 2 ** this.failures, MAX_SWEEP_BACKOFF_MS));
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Ends every due hold of every tenant. */
  async sweep(): Promise<number> {
    const now = this.es.now().toISOString();
    const due = await this.readStore.find<{ id: string; kind: 'hold' | 'offer'; tenant: string; holdId?: string; entryId?: string }>(HOLD_TIMERS, SYSTEM_TENANT, {
      where: { dueAt: { lt: now } },
      orderBy: 'dueAt',
      limit: 200,
    });
    for (const timer of due.items) {
      const ctx: RequestContext = { tenant: timer.tenant, actor: { type: 'SYSTEM' }, correlationId: uuidV5(KAIROS_NAMESPACE, `expire:${timer.id}`) };
      try {
        await this.commands.execute(timer.kind === 'offer' ? new EndWaitlistEntry(ctx, timer.entryId!, 'expire') : new EndSlotHold(ctx, timer.holdId!, 'expire'));
      } catch (error) {
        // The rest would fail the same way: the sweep backs off instead.
        if (error instanceof StoreUnavailable) throw error;
        this.logger.warn({ message: 'could not end an expired hold or offer', timer: timer.id, error: (error as Error).message });
      }
    }
    return due.items.length;
  }
}

