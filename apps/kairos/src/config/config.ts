import { resolve } from 'node:path';

export type EventStoreEngine = 'pglite' | 'postgres' | 'eventstoredb';
export type ReadStoreEngine = 'pglite' | 'postgres' | 'mongodb';
export type PublisherEngine = 'inprocess' | 'kafka';
export type Role = 'api' | 'projector' | 'publisher';
export type RunnersPlace = 'inline' | 'worker';

/** Injects the KairosConfig: the app's settings, read once at start-up. */
export const CONFIG = Symbol('KairosConfig');

export interface KairosConfig {
  eventStore: EventStoreEngine;
  readStore: ReadStoreEngine;
  publisher: PublisherEngine;
  postgresUrl?: string;
  eventStoreDbUrl?: string;
  mongoUrl?: string;
  kafkaBrokers?: string[];
  dataDir: string;
  port: number;
  roles: Role[];
  /** `dev` trusts the Kairos-Tenant header; `jwt` requires a Bearer token signed with jwtSecret (HS256). */
  auth: 'dev' | 'jwt';
  jwtSecret?: string;
  /** Schema for PostgreSQL tables; lets several deployments or test runs share one database. */
  postgresSchema?: string;
  /** Read-model documents kept in memory by a process that runs the projector (0: none). */
  readCacheEntries: number;
  /**
   * Characters of JSON a batch committed in the runner thread may write and still have its documents
   * copied to the request thread's read cache, which then keeps them; a larger batch's are dropped there.
   */
  readCacheReportBytes: number;
  /** Time an availability query may walk its span before it answers what it found with a cursor to go on. */
  availabilityBudgetMs: number;
  /** Requests under `/v1` running at once; the rest wait their turn (0: no limit). */
  maxConcurrentRequests: number;
  /**
   * Where this process's runners (projections, Kafka publisher) follow the log: on the request
   * thread, or in a worker thread of their own so request load does not hold them back. A worker
   * needs engines it can open itself: not PGlite, which one thread owns.
   */
  runners: RunnersPlace;
  /**
   * Megabytes of young generation (V8's nursery of short-lived objects: two semi-spaces and room to
   * promote from them) the runner thread's heap may grow to; 0: V8's own bound. V8 grows it to 48
   * MB under the projections' steady churn and keeps it resident; a smaller one is swept more often.
   */
  runnerThreadYoungGenerationMb: number;
  /**
   * Once caught up, a projection reads the log at most this often (ms), and the publisher at most
   * `publishPaceMs`: under steady writes one batch, and so one transaction or one produce request,
   * carries what many appends wrote, for a read model or a topic that much behind. By default the
   * Kafka publisher is paced to 100 ms; the in-process one and projections are not: commands
   * consult read models (a slot's availability, a service's schedules), and one paced behind would
   * refuse a booking of a slot opened just before.
   */
  projectionPaceMs: number;
  publishPaceMs: number;
  /**
   * Test only: `exit` kills the process right after an append that commits an Idempotency-Key,
   * before its answer is sent: the crash a retry must survive. Only the environment sets it.
   */
  faultAfterAppend?: 'exit';
  /** Email goes out through this SMTP server; without it, emails are logged instead of sent. */
  smtp?: SmtpConfig;
  /** SMS goes out through this Twilio-style REST API; without it, text messages are logged instead of sent. */
  sms?: SmsConfig;
  /**
   * Test only: `exit` kills the process right after a provider took a notification, before its
   * delivery is recorded: the crash in which a message must not go out twice. Only the environment sets it.
   */
  faultAfterSend?: 'exit';
  /** Reading resources' external calendars. */
  calendars: CalendarsConfig;
}

export interface CalendarsConfig {
  /** Bounds on one read of a calendar, so a slow or huge one costs a failed sync, not the process. */
  limits: { timeoutMs: number; maxBytes: number; maxOccurrences: number };
  /** Whether a calendar URL may name a loopback, private or link-local address (tests; a calendar server on the same network). */
  allowPrivateHosts: boolean;
  /** Google's API root (tests point it at a local server). */
  googleApiUrl: string;
  /** How far ahead busy time is read. */
  horizonDays: number;
  /** Calendars read at once by the sync timer of one process. */
  syncConcurrency: number;
}

export interface SmtpConfig {
  /** `smtp://user:pass@host:port` (STARTTLS when the server offers it) or `smtps://` (TLS from the start). */
  url: string;
  /** The From address, e.g. `Kairos <bookings@example.com>`. */
  from: string;
  /**
   * A mailbox every email is also sent to (Bcc), read over IMAP: a send whose outcome was not
   * recorded is looked up there by its Message-ID before it is sent again.
   */
  archive?: { imapUrl: string; address: string };
}

export interface SmsConfig {
  /** Base URL of the API, e.g. `https://api.twilio.com`. */
  url: string;
  accountSid: string;
  authToken: string;
  /** The sender: an E.164 number or an alphanumeric sender id. */
  from: string;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const oneOf = <T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T, problems: string[]): T => {
  const value = (env[name] ?? fallback).trim() as T;
  if (!allowed.includes(value)) problems.push(`${name}=${value} is not one of ${allowed.join(' | ')}`);
  return value;
};

/** Reads and checks the environment once at start-up; every problem is reported at once. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): KairosConfig => {
  const problems: string[] = [];
  const eventStore = oneOf(env, 'KAIROS_EVENT_STORE', ['pglite', 'postgres', 'eventstoredb'] as const, 'pglite', problems);
  const readStore = oneOf(env, 'KAIROS_READ_STORE', ['pglite', 'postgres', 'mongodb'] as const, 'pglite', problems);
  const publisher = oneOf(env, 'KAIROS_PUBLISHER', ['inprocess', 'kafka'] as const, 'inprocess', problems);
  const auth = oneOf(env, 'KAIROS_AUTH', ['dev', 'jwt'] as const, 'dev', problems);

  const require = (name: string, when: boolean) => {
    const value = env[name]?.trim();
    if (when && !value) problems.push(`${name} is required by the chosen engines`);
    return value || undefined;
  };
  const postgresUrl = require('KAIROS_POSTGRES_URL', eventStore === 'postgres' || readStore === 'postgres');
  const eventStoreDbUrl = require('KAIROS_EVENTSTOREDB_URL', eventStore === 'eventstoredb');
  const mongoUrl = require('KAIROS_MONGODB_URL', readStore === 'mongodb');
  const brokers = require('KAIROS_KAFKA_BROKERS', publisher === 'kafka');
  const jwtSecret = require('KAIROS_JWT_SECRET', auth === 'jwt');

  if ((eventStore === 'pglite') !== (readStore === 'pglite') && (eventStore === 'pglite' || readStore === 'pglite')) {
    // One process owns a PGlite folder; splitting stores across engines would leave checkpoints apart from the log.
    problems.push('KAIROS_EVENT_STORE=pglite and KAIROS_READ_STORE=pglite go together (one embedded database)');
  }

  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT=${env.PORT} is not a port number`);

  const roles = (env.KAIROS_ROLES ?? 'api,projector,publisher').split(',').map((r) => r.trim()).filter(Boolean) as Role[];
  for (const role of roles) if (!['api', 'projector', 'publisher'].includes(role)) problems.push(`KAIROS_ROLES has unknown role ${role}`);
  if (roles.length === 0) problems.push('KAIROS_ROLES names no role');

  const postgresSchema = env.KAIROS_POSTGRES_SCHEMA?.trim() || undefined;
  if (postgresSchema && !/^[a-z_][a-z0-9_]*$/.test(postgresSchema)) problems.push(`KAIROS_POSTGRES_SCHEMA=${postgresSchema} must be a lower-case identifier`);

  const readCacheEntries = Number(env.KAIROS_READ_CACHE_ENTRIES ?? 5_000);
  if (!Number.isInteger(readCacheEntries) || readCacheEntries < 0) problems.push(`KAIROS_READ_CACHE_ENTRIES=${env.KAIROS_READ_CACHE_ENTRIES} is not a whole number`);

  const readCacheReportBytes = Number(env.KAIROS_READ_CACHE_REPORT_BYTES ?? 262_144);
  if (!Number.isInteger(readCacheReportBytes) || readCacheReportBytes < 0) problems.push(`KAIROS_READ_CACHE_REPORT_BYTES=${env.KAIROS_READ_CACHE_REPORT_BYTES} is not a whole number`);

  const availabilityBudgetMs = Number(env.KAIROS_AVAILABILITY_BUDGET_MS ?? 200);
  if (!Number.isInteger(availabilityBudgetMs) || availabilityBudgetMs < 0) {
    problems.push(`KAIROS_AVAILABILITY_BUDGET_MS=${env.KAIROS_AVAILABILITY_BUDGET_MS} is not a whole number`);
  }

  const maxConcurrentRequests = Number(env.KAIROS_MAX_CONCURRENT_REQUESTS ?? 16);
  if (!Number.isInteger(maxConcurrentRequests) || maxConcurrentRequests < 0) {
    problems.push(`KAIROS_MAX_CONCURRENT_REQUESTS=${env.KAIROS_MAX_CONCURRENT_REQUESTS} is not a whole number`);
  }

  const embedded = eventStore === 'pglite' || readStore === 'pglite';
  const runners = oneOf(env, 'KAIROS_RUNNERS', ['inline', 'worker'] as const, embedded ? 'inline' : 'worker', problems);
  if (runners === 'worker' && embedded) problems.push('KAIROS_RUNNERS=worker needs engines a worker thread can open itself, not PGlite');

  const runnerThreadYoungGenerationMb = wholeNumber(env, 'KAIROS_RUNNER_THREAD_YOUNG_GENERATION_MB', 12, 0, 1024, problems);
  const projectionPaceMs = wholeNumber(env, 'KAIROS_PROJECTION_PACE_MS', 0, 0, 1000, problems);
  // A produce request costs the broker about as much for one message as for many; the in-process publisher has no such cost to spread.
  const publishPaceMs = wholeNumber(env, 'KAIROS_PUBLISH_PACE_MS', publisher === 'kafka' ? 100 : 0, 0, 1000, problems);

  const faultAfterAppend = env.KAIROS_FAULT_AFTER_APPEND?.trim() || undefined;
  if (faultAfterAppend !== undefined && faultAfterAppend !== 'exit') problems.push(`KAIROS_FAULT_AFTER_APPEND=${faultAfterAppend} is not exit`);

  const faultAfterSend = env.KAIROS_FAULT_AFTER_SEND?.trim() || undefined;
  if (faultAfterSend !== undefined && faultAfterSend !== 'exit') problems.push(`KAIROS_FAULT_AFTER_SEND=${faultAfterSend} is not exit`);

  const smtp = smtpConfig(env, problems);
  const sms = smsConfig(env, problems);
  const calendars = calendarsConfig(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    eventStore,
    readStore,
    publisher,
    postgresUrl,
    eventStoreDbUrl,
    mongoUrl,
    kafkaBrokers: brokers?.split(',').map((b) => b.trim()),
    dataDir: resolve(env.KAIROS_DATA_DIR ?? './data'),
    port,
    roles,
    auth,
    jwtSecret,
    postgresSchema,
    readCacheEntries,
    readCacheReportBytes,
    availabilityBudgetMs,
    maxConcurrentRequests,
    runners,
    runnerThreadYoungGenerationMb,
    projectionPaceMs,
    publishPaceMs,
    calendars,
    ...(faultAfterAppend ? { faultAfterAppend: 'exit' as const } : {}),
    ...(faultAfterSend ? { faultAfterSend: 'exit' as const } : {}),
    ...(smtp ? { smtp } : {}),
    ...(sms ? { sms } : {}),
  };
};

const setting = (env: NodeJS.ProcessEnv, name: string) => env[name]?.trim() || undefined;

/** A URL of one of the schemes; problems name the variable, never the value, which may hold a password. */
const urlSetting = (env: NodeJS.ProcessEnv, name: string, schemes: readonly string[], problems: string[]) => {
  const value = setting(env, name);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !schemes.includes(url.protocol.slice(0, -1)) || !url.hostname) {
    problems.push(`${name} is not a ${schemes.map((s) => `${s}://`).join(' or ')} URL with a host`);
    return undefined;
  }
  return value;
};

/** A whole number from `min` up to `max`, else a problem naming the variable. */
const wholeNumber = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]) => {
  const given = setting(env, name);
  const value = Number(given ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name}=${given} is not a whole number from ${min} to ${max}`);
  return value;
};

const calendarsConfig = (env: NodeJS.ProcessEnv, problems: string[]): CalendarsConfig => {
  const privateHosts = oneOf(env, 'KAIROS_CALENDAR_PRIVATE_HOSTS', ['deny', 'allow'] as const, 'deny', problems);
  return {
    limits: {
      timeoutMs: wholeNumber(env, 'KAIROS_CALENDAR_SYNC_TIMEOUT_MS', 20_000, 1, 600_000, problems),
      maxBytes: wholeNumber(env, 'KAIROS_CALENDAR_MAX_BYTES', 20 * 1024 * 1024, 1, 1024 * 1024 * 1024, problems),
      maxOccurrences: wholeNumber(env, 'KAIROS_CALENDAR_MAX_OCCURRENCES', 50_000, 1, 10_000_000, problems),
    },
    allowPrivateHosts: privateHosts === 'allow',
    googleApiUrl: (urlSetting(env, 'KAIROS_GOOGLE_API_URL', ['http', 'https'], problems) ?? 'https://www.googleapis.com').replace(/\/+$/, ''),
    // At most as far as claims reach (CLAIM_HORIZON_DAYS): a block read further out would hold no claim, and an unchanged one is never recorded again to take it.
    horizonDays: wholeNumber(env, 'KAIROS_CALENDAR_HORIZON_DAYS', 365, 1, 400, problems),
    syncConcurrency: wholeNumber(env, 'KAIROS_CALENDAR_SYNC_CONCURRENCY', 4, 1, 256, problems),
  };
};

const EMAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

const smtpConfig = (env: NodeJS.ProcessEnv, problems: string[]): SmtpConfig | undefined => {
  const given = setting(env, 'KAIROS_SMTP_URL');
  const url = urlSetting(env, 'KAIROS_SMTP_URL', ['smtp', 'smtps'], problems);
  const from = setting(env, 'KAIROS_SMTP_FROM');
  const imapUrl = urlSetting(env, 'KAIROS_SMTP_ARCHIVE_IMAP_URL', ['imap', 'imaps'], problems);
  const address = setting(env, 'KAIROS_SMTP_ARCHIVE_ADDRESS');
  if (given && !from) problems.push('KAIROS_SMTP_FROM is required by KAIROS_SMTP_URL');
  if (from && !EMAIL_ADDRESS.test(from.replace(/^.*<([^>]*)>\s*$/, '$1'))) problems.push(`KAIROS_SMTP_FROM=${from} is not an email address`);
  if (!given && (from || setting(env, 'KAIROS_SMTP_ARCHIVE_IMAP_URL') || address)) problems.push('KAIROS_SMTP_FROM and KAIROS_SMTP_ARCHIVE_* need KAIROS_SMTP_URL');
  if (!!setting(env, 'KAIROS_SMTP_ARCHIVE_IMAP_URL') !== !!address) problems.push('KAIROS_SMTP_ARCHIVE_IMAP_URL and KAIROS_SMTP_ARCHIVE_ADDRESS go together');
  if (address && !EMAIL_ADDRESS.test(address)) problems.push(`KAIROS_SMTP_ARCHIVE_ADDRESS=${address} is not an email address`);
  if (!url || !from) return undefined;
  return { url, from, ...(imapUrl && address ? { archive: { imapUrl, address } } : {}) };
};

const SMS_SETTINGS = ['KAIROS_SMS_URL', 'KAIROS_SMS_ACCOUNT_SID', 'KAIROS_SMS_AUTH_TOKEN', 'KAIROS_SMS_FROM'] as const;

const smsConfig = (env: NodeJS.ProcessEnv, problems: string[]): SmsConfig | undefined => {
  const given = SMS_SETTINGS.filter((name) => setting(env, name));
  if (given.length === 0) return undefined;
  for (const name of SMS_SETTINGS) if (!setting(env, name)) problems.push(`${name} is required by ${given.join(', ')}`);
  const url = urlSetting(env, 'KAIROS_SMS_URL', ['http', 'https'], problems);
  const [accountSid, authToken, from] = [setting(env, 'KAIROS_SMS_ACCOUNT_SID'), setting(env, 'KAIROS_SMS_AUTH_TOKEN'), setting(env, 'KAIROS_SMS_FROM')];
  if (!url || !accountSid || !authToken || !from) return undefined;
  return { url: url.replace(/\/+$/, ''), accountSid, authToken, from };
};
