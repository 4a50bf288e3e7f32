import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainError, DomainEvent, KAIROS_NAMESPACE, SYSTEM_TENANT, StoreUnavailable, fold, uuidV5 } from '@kairos/core';
import {
  DeliveryCommand,
  DeliveryState,
  NOTIFICATION_DELIVERIES,
  NOTIFICATION_OUTBOX,
  NOTIFICATION_SETTINGS,
  NotificationSettingsView,
  OutboxEntry,
  SETTINGS_ID,
  defaultSettings,
  deliveryDecider,
  isInDoubt,
  notificationOutboxStream,
  notificationStream,
  outboxDecider,
} from '@kairos/notifications';
import { ReadStore } from '@kairos/read-store';
import { SERVICES } from '@kairos/services';
import { KairosConfig } from '../config/config';
import { RequestContext } from '../http/request-context';
import { handleCommand, streamOf } from '../infrastructure/command-handling';
import { EventSourcing } from '../infrastructure/event-sourcing';
import { RepeatingSweep } from '../infrastructure/sweeps';
import { CONFIG, READ_STORE } from '../infrastructure/tokens';
import { ChannelKind, NotificationChannel, OutgoingMessage, PermanentDeliveryFailure, TransientDeliveryFailure } from './channels/channel';
import { notificationsFor, skipReason } from './outbox-dispatch';
import { recipientOf } from './recipients';

export const NOTIFICATION_CHANNELS = Symbol('NotificationChannels');

const DUE_PER_SWEEP = 200;
/** Messages handed to providers at once: enough to keep an SMTP pool busy, few enough not to flood it. */
const SENDS_AT_ONCE = 8;

/**
 * How long an outbox entry waits for the contact (or service) it names to show in the read models
 * before it is dispatched without them (an erased contact, an id from the caller's own CRM).
 */
const READ_MODELS_GRACE_MS = 60_000;

const NOTIFICATION_NAMESPACE = uuidV5(KAIROS_NAMESPACE, 'notification');

interface DeliveryTimer {
  id: string;
  tenant: string;
  notificationId: string;
  dueAt: string;
}

type Queued = Exclude<DeliveryState, { status: 'none' }>;

/** Runs `work` on every item, at most `limit` at a time; the first error is thrown once all have settled. */
const inParallel = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  const queue = [...items];
  const errors: unknown[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await work(item).catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
};

/** The From address of a `Name <address>` sender, for a calendar invite's organizer. */
const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from.trim();

/**
 * The notifier: every second it turns the outbox entries now due into notifications (one append per
 * entry: the entry marked dispatched and a stream per channel, so an entry becomes its messages
 * exactly once, whoever dispatches it) and delivers the QUEUED notifications now due, a few at a
 * time. Each attempt is appended before the provider is called; one left without an outcome (the
 * process died mid-send) is in doubt after a minute, when the channel is asked whether the provider
 * has it before it is sent again with the same message id. Runs with the projector role, like the
 * durable timer, and backs off the same way while a store is unreachable (RepeatingSweep).
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('notifications');
  private readonly channels: Map<ChannelKind, NotificationChannel>;
  /** Notifications this process is delivering now, so a sweep does not start them again meanwhile. */
  private readonly delivering = new Set<string>();
  private readonly looks = new RepeatingSweep(this.logger, 'dispatch notifications', () => this.sweep());

  constructor(
    private readonly es: EventSourcing,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CONFIG) private readonly config: KairosConfig,
    @Inject(NOTIFICATION_CHANNELS) channels: NotificationChannel[],
  ) {
    this.channels = new Map(channels.map((channel) => [channel.channel, channel]));
  }

  onApplicationBootstrap() {
    if (this.config.roles.includes('projector')) this.looks.start();
  }

  async onApplicationShutdown() {
    await this.looks.stop();
    await Promise.all([...this.channels.values()].map((channel) => channel.close()));
  }

  /** Dispatches the outbox entries due by now, then delivers the notifications due by now; answers how many of each it took up. */
  async sweep(): Promise<{ dispatched: number; delivered: number }> {
    // Due before now, as timers are: what a write asks for goes out on the next sweep.
    const due = { where: { dueAt: { lt: this.es.now().toISOString() } }, orderBy: 'dueAt', limit: DUE_PER_SWEEP };
    const entries = await this.readStore.find<OutboxEntry>(NOTIFICATION_OUTBOX, SYSTEM_TENANT, due);
    // A new notification is delivered at once by whoever dispatched it; the delivery timers are for retries and the rest.
    await inParallel(entries.items, SENDS_AT_ONCE, (entry) =>
      this.settled(`outbox entry ${entry.outboxId}`, async () => {
        for (const id of await this.dispatch(entry)) await this.deliverHere(entry.tenant, id);
      }),
    );
    const deliveries = await this.readStore.find<DeliveryTimer>(NOTIFICATION_DELIVERIES, SYSTEM_TENANT, due);
    await inParallel(deliveries.items, SENDS_AT_ONCE, (timer) => this.deliverHere(timer.tenant, timer.notificationId));
    return { dispatched: entries.items.length, delivered: deliveries.items.length };
  }

  /** Delivers a notification unless this process is at it already. */
  private async deliverHere(tenant: string, id: string) {
    const key = `${tenant}|${id}`;
    if (this.delivering.has(key)) return;
    this.delivering.add(key);
    try {
      await this.settled(`notification ${id}`, () => this.deliver(tenant, id));
    } finally {
      this.delivering.delete(key);
    }
  }

  /**
   * Runs one piece of work; a refusal means another dispatcher got there first (or the read model
   * lags behind the stream), which the next sweep sees. An unreachable store stops the sweep.
   */
  private async settled(what: string, work: () => Promise<unknown>) {
    try {
      await work();
    } catch (error) {
      if (error instanceof StoreUnavailable) throw error;
      if (error instanceof DomainError) return;
      this.logger.warn({ message: `could not handle ${what}`, error: (error as Error).message });
    }
  }

  private contextFor(tenant: string, cause: string): RequestContext {
    return { tenant, actor: { type: 'SYSTEM' }, correlationId: uuidV5(KAIROS_NAMESPACE, cause) };
  }

  /** Turns an outbox entry into its notifications; answers their ids when this call dispatched it, none when another did. */
  private async dispatch(entry: OutboxEntry): Promise<string[]> {
    const { tenant, outboxId } = entry;
    const skipped = skipReason(entry, this.es.now());
    const settings = (await this.readStore.get<NotificationSettingsView>(NOTIFICATION_SETTINGS, tenant, SETTINGS_ID)) ?? defaultSettings();
    const recipient = skipped ? null : await recipientOf(this.readStore, tenant, entry.contactId, entry.bookingId);
    const service = entry.serviceId ? await this.readStore.get<{ id: string; name: string }>(SERVICES, tenant, entry.serviceId) : null;
    // The contacts and services read models follow the log on their own and may not have seen yet what the outbox entry has
    // (a booking that created its contact): dispatching now would send nothing, for good. Left for a later sweep, for a while.
    const unknownYet = !skipped && (recipient === null || (entry.serviceId !== null && service === null));
    if (unknownYet && this.es.now().getTime() - Date.parse(entry.dueAt) < READ_MODELS_GRACE_MS) return [];
    const planned = skipped ? [] : notificationsFor(entry, { settings, recipient, serviceName: service?.name ?? null }, (channel) => uuidV5(NOTIFICATION_NAMESPACE, `${outboxId}:${channel}`));
    const outbox = streamOf(notificationOutboxStream(tenant, outboxId), outboxDecider);
    const deliveries = planned.map((notification) => ({ notification, stream: streamOf(notificationStream(tenant, notification.request.id), deliveryDecider) }));
    const outcome = await handleCommand(this.es, this.contextFor(tenant, `notification-outbox:${outboxId}`), () => ({
      streams: [outbox, ...deliveries.map((d) => d.stream)],
      decide: (states, now) => {
        const dispatched = outboxDecider.decide({ type: 'DispatchOutbox', outboxId, notificationIds: planned.map((p) => p.request.id), skipped }, states.of(outbox), { now });
        // Dispatched before: its notifications exist already, whatever the settings say now.
        if (dispatched.length === 0) return { appends: [], answer: false };
        const requests = deliveries.map(({ notification, stream }) => ({
          streamId: stream.streamId,
          events: deliveryDecider.decide({ type: 'RequestNotification', ...notification }, states.of(stream), { now }) as DomainEvent[],
        }));
        return { appends: [{ streamId: outbox.streamId, events: dispatched }, ...requests], answer: true };
      },
    }));
    if (skipped) this.logger.log({ message: 'skipped a reminder', reason: skipped, tenant, outboxId, bookingId: entry.bookingId });
    return outcome.body ? planned.map((p) => p.request.id) : [];
  }

  /** One step of a notification's delivery: settle an attempt in doubt, or make the next attempt. */
  private async deliver(tenant: string, id: string) {
    const stream = streamOf(notificationStream(tenant, id), deliveryDecider);
    const state = await this.es.read(stream);
    if (state.status !== 'QUEUED') return;
    // The rendered message reads as null once its contact is erased: it can never be sent.
    if (!state.message) {
      await this.record(tenant, id, { type: 'GiveUp', reason: 'the contact was erased before it went out' });
      return;
    }
    const channel = this.channels.get(state.request.channel);
    if (!channel) return;
    const message = this.outgoing(state);
    if (state.running && isInDoubt(state, this.es.now()) && channel.wasDelivered) {
      const delivered = await channel.wasDelivered(message).catch(() => null);
      if (delivered) {
        await this.record(tenant, id, { type: 'RecordSent', attempt: state.running.attempt, provider: channel.provider, providerMessageId: null, answer: 'found with the provider after an attempt whose outcome was not recorded' });
        return;
      }
    }
    const attempt = await handleCommand(this.es, this.contextFor(tenant, `notification:${id}:attempt`), () => ({
      streams: [stream],
      decide: (states, now) => {
        const before = states.of(stream);
        const events = deliveryDecider.decide({ type: 'StartAttempt' }, before, { now });
        return { appends: [{ streamId: stream.streamId, events }], answer: fold(deliveryDecider, events, before) };
      },
    }));
    const attempting = attempt.body.status === 'none' ? 0 : attempt.body.attempts;
    try {
      const receipt = await channel.send(message);
      await this.record(tenant, id, { type: 'RecordSent', attempt: attempting, provider: channel.provider, ...receipt });
    } catch (error) {
      const refused = error instanceof PermanentDeliveryFailure;
      const answer = refused || error instanceof TransientDeliveryFailure ? error.answer : null;
      await this.record(tenant, id, { type: 'RecordFailure', attempt: attempting, permanent: refused, error: (error as Error).message, answer });
    }
  }

  private record(tenant: string, id: string, command: DeliveryCommand) {
    const stream = streamOf(notificationStream(tenant, id), deliveryDecider);
    return handleCommand(this.es, this.contextFor(tenant, `notification:${id}:${command.type}`), () => ({
      streams: [stream],
      decide: (states, now) => ({ appends: [{ streamId: stream.streamId, events: deliveryDecider.decide(command, states.of(stream), { now }) }], answer: undefined }),
    }));
  }

  private outgoing({ request, message }: Queued): OutgoingMessage {
    const { to, subject, text, html, calendar } = message!;
    const from = this.config.smtp?.from;
    return {
      id: request.id,
      channel: request.channel,
      to,
      ...(subject === null ? {} : { subject }),
      text,
      ...(html === null ? {} : { html }),
      ...(calendar === null
        ? {}
        : {
            calendar: {
              method: calendar.method,
              uid: calendar.uid,
              sequence: calendar.sequence,
              start: calendar.start,
              end: calendar.end,
              summary: calendar.summary,
              ...(calendar.description === null ? {} : { description: calendar.description }),
              ...(calendar.location === null ? {} : { location: calendar.location }),
              ...(from ? { organizer: { name: addressOf(from), email: addressOf(from) } } : {}),
              attendee: { name: null, email: to },
            },
          }),
    };
  }
}
