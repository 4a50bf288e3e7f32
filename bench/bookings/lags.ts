import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { HttpClient } from '../kit/http-client';
import { TOPIC } from './scenario';

const PROJECTION_SAMPLES = 200;
const PROBE_EVERY_MS = 5;
const PROBE_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long a write takes to reach a Kafka consumer. A write's message is matched by booking id and
 * revision (ce_subject, kairos_revision). ce_time is the app's (pinned) clock, so the lag is taken
 * against this thread's clock instead: from the write's HTTP answer to the message arriving here.
 */
export const watchKafka = async (brokers: string[], tenant: string) => {
  const awaitingMessage = new Map<string, number>();
  const arrivedEarly = new Map<string, number>();
  const lags: number[] = [];
  const onMessage = (key: string) => {
    const at = performance.now();
    const wrote = awaitingMessage.get(key);
    if (wrote === undefined) arrivedEarly.set(key, at);
    else {
      awaitingMessage.delete(key);
      lags.push(Math.max(0, at - wrote));
    }
  };
  const kafka = new Kafka({ clientId: 'kairos-bench', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `kairos-bench-${randomBytes(5).toString('hex')}`, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolveJoin) => consumer.on(consumer.events.GROUP_JOIN, () => resolveJoin()));
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const header = (name: string) => message.headers?.[name]?.toString();
      if (header('kairos_tenant') !== tenant) return;
      onMessage(`${header('ce_subject')}@${header('kairos_revision')}`);
    },
  });
  await joined;
  return {
    lags,
    /** Writes whose message has not arrived (yet). */
    missing: () => awaitingMessage.size,
    onWrite(key: string, at: number) {
      const arrived = arrivedEarly.get(key);
      if (arrived === undefined) awaitingMessage.set(key, at);
      else {
        arrivedEarly.delete(key);
        lags.push(Math.max(0, arrived - at));
      }
    },
    /** Waits up to `timeoutMs` for the missing messages; answers how long it waited. */
    async drain(timeoutMs: number): Promise<number> {
      const drainStart = performance.now();
      while (awaitingMessage.size > 0 && performance.now() - drainStart < timeoutMs) await sleep(20);
      return performance.now() - drainStart;
    },
    /** Starts a new phase: the lags so far, and how many writes never showed up, are the last phase's. */
    nextPhase(): { lags: number[]; missing: number } {
      const last = { lags: lags.splice(0), missing: awaitingMessage.size };
      awaitingMessage.clear();
      arrivedEarly.clear();
      return last;
    },
    disconnect: () => consumer.disconnect().catch(() => undefined),
  };
};

/**
 * Projection lag: every duration/200 ms the next successful write is followed until the bookings
 * read model answers with a position at or past it. One poller serves every pending sample: a GET
 * of the oldest pending booking every 5 ms (404 until projected; else Kairos-Position is the
 * checkpoint). Polled here rather than with ?minPosition, whose server-side back-off (2, 4, … 50
 * ms) would round the lag up by up to 2×; one poller keeps the probes' own load small.
 */
export class ProjectionLagProbe {
  readonly lags: number[] = [];
  requests = 0;
  timeouts = 0;
  errors = 0;
  private readonly pending: { id: string; position: number; at: number }[] = [];
  private poller: Promise<void> | null = null;
  private samples = 0;
  private readonly sampleEveryMs: number;
  private nextSampleAt: number;

  constructor(
    private readonly client: HttpClient,
    seconds: number,
    start: number,
  ) {
    this.sampleEveryMs = (seconds * 1000) / PROJECTION_SAMPLES;
    this.nextSampleAt = start;
  }

  /** A write answered at `at`: followed if a sample is due. */
  wrote(id: string, position: number, at: number) {
    if (at >= this.nextSampleAt && this.samples < PROJECTION_SAMPLES) {
      this.samples++;
      this.nextSampleAt = at + this.sampleEveryMs;
      this.pending.push({ id, position, at });
      this.poller ??= this.poll();
    }
  }

  /** Resolves when every pending sample is seen or timed out. */
  async finished(): Promise<void> {
    await this.poller;
  }

  private async poll() {
    const pending = this.pending;
    while (pending.length > 0) {
      const answer = await this.client.call('GET', `/v1/bookings/${pending[0].id}`).catch(() => null);
      this.requests++;
      const at = performance.now();
      if (!answer || (answer.status !== 200 && answer.status !== 404)) this.errors++;
      const reached = answer?.status === 200 && answer.position !== null ? answer.position : -1;
      for (let i = pending.length - 1; i >= 0; i--) {
        const sample = pending[i];
        const timedOut = at - sample.at > PROBE_TIMEOUT_MS;
        if (sample.position <= reached || timedOut) {
          if (timedOut && sample.position > reached) this.timeouts++;
          this.lags.push(at - sample.at);
          pending.splice(i, 1);
        }
      }
      if (pending.length > 0) await sleep(PROBE_EVERY_MS);
    }
    this.poller = null;
  }
}
