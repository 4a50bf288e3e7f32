import { ConfigError, loadConfig } from './config';
import { CLAIM_HORIZON_DAYS } from '../sessions/session-claims';

describe('loadConfig', () => {
  it('defaults to the embedded engines, ./data and port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ eventStore: 'pglite', readStore: 'pglite', publisher: 'inprocess', port: 3000, auth: 'dev' });
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.roles).toEqual(['api', 'projector', 'publisher']);
  });

  it('keeps 5000 read-model documents in memory unless told otherwise; 0 turns the cache off', () => {
    expect(loadConfig({}).readCacheEntries).toBe(5000);
    expect(loadConfig({ KAIROS_READ_CACHE_ENTRIES: '0' }).readCacheEntries).toBe(0);
    expect(() => loadConfig({ KAIROS_READ_CACHE_ENTRIES: '-1' })).toThrow(/KAIROS_READ_CACHE_ENTRIES=-1 is not a whole number/);
  });

  it('lets 16 requests run at once unless told otherwise; 0 lifts the limit', () => {
    expect(loadConfig({}).maxConcurrentRequests).toBe(16);
    expect(loadConfig({ KAIROS_MAX_CONCURRENT_REQUESTS: '0' }).maxConcurrentRequests).toBe(0);
    expect(() => loadConfig({ KAIROS_MAX_CONCURRENT_REQUESTS: 'many' })).toThrow(/KAIROS_MAX_CONCURRENT_REQUESTS=many is not a whole number/);
  });

  it('runs the runners in a worker thread on network engines, inline on PGlite, which one thread owns', () => {
    const postgres = { KAIROS_EVENT_STORE: 'postgres', KAIROS_READ_STORE: 'postgres', KAIROS_POSTGRES_URL: 'postgres://db/kairos' };
    expect(loadConfig({}).runners).toBe('inline');
    expect(loadConfig(postgres).runners).toBe('worker');
    expect(loadConfig({ ...postgres, KAIROS_RUNNERS: 'inline' }).runners).toBe('inline');
    expect(() => loadConfig({ KAIROS_RUNNERS: 'worker' })).toThrow(/KAIROS_RUNNERS=worker needs engines a worker thread can open itself, not PGlite/);
    expect(() => loadConfig({ ...postgres, KAIROS_RUNNERS: 'process' })).toThrow(/KAIROS_RUNNERS=process is not one of inline \| worker/);
  });

  it("bounds the runner thread's young generation to 12 MB unless told otherwise; 0 leaves it to V8", () => {
    expect(loadConfig({}).runnerThreadYoungGenerationMb).toBe(12);
    expect(loadConfig({ KAIROS_RUNNER_THREAD_YOUNG_GENERATION_MB: '0' }).runnerThreadYoungGenerationMb).toBe(0);
    expect(() => loadConfig({ KAIROS_RUNNER_THREAD_YOUNG_GENERATION_MB: '1.5' })).toThrow(/KAIROS_RUNNER_THREAD_YOUNG_GENERATION_MB=1.5 is not a whole number from 0 to 1024/);
  });

  it('paces the caught-up Kafka publisher to 100 ms, the in-process one and projections not at all, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ projectionPaceMs: 0, publishPaceMs: 0 });
    expect(loadConfig({ KAIROS_PUBLISHER: 'kafka', KAIROS_KAFKA_BROKERS: 'k:9092' })).toMatchObject({ projectionPaceMs: 0, publishPaceMs: 100 });
    expect(loadConfig({ KAIROS_PROJECTION_PACE_MS: '20', KAIROS_PUBLISH_PACE_MS: '0' })).toMatchObject({ projectionPaceMs: 20, publishPaceMs: 0 });
    expect(() => loadConfig({ KAIROS_PROJECTION_PACE_MS: '-5' })).toThrow(/KAIROS_PROJECTION_PACE_MS=-5 is not a whole number from 0 to 1000/);
    expect(() => loadConfig({ KAIROS_PUBLISH_PACE_MS: 'soon' })).toThrow(/KAIROS_PUBLISH_PACE_MS=soon is not a whole number from 0 to 1000/);
  });

  it('injects no fault unless the environment asks for the crash after a keyed append', () => {
    expect(loadConfig({}).faultAfterAppend).toBeUndefined();
    expect(loadConfig({ KAIROS_FAULT_AFTER_APPEND: 'exit' }).faultAfterAppend).toBe('exit');
    expect(() => loadConfig({ KAIROS_FAULT_AFTER_APPEND: 'crash' })).toThrow(/KAIROS_FAULT_AFTER_APPEND=crash is not exit/);
  });

  it('sends no email or SMS unless a server is configured', () => {
    expect(loadConfig({})).not.toHaveProperty('smtp');
    expect(loadConfig({})).not.toHaveProperty('sms');
  });

  it('takes the SMTP server, the sender and the optional IMAP archive together', () => {
    const smtp = { KAIROS_SMTP_URL: 'smtp://user:secret@mail.example.com:587', KAIROS_SMTP_FROM: 'Kairos <bookings@example.com>' };
    expect(loadConfig(smtp).smtp).toEqual({ url: 'smtp://user:secret@mail.example.com:587', from: 'Kairos <bookings@example.com>' });
    const archive = { KAIROS_SMTP_ARCHIVE_IMAP_URL: 'imaps://user:secret@mail.example.com/Archive', KAIROS_SMTP_ARCHIVE_ADDRESS: 'archive@example.com' };
    expect(loadConfig({ ...smtp, ...archive }).smtp?.archive).toEqual({ imapUrl: 'imaps://user:secret@mail.example.com/Archive', address: 'archive@example.com' });
  });

  it('refuses a malformed or incomplete SMTP setting without printing its password', () => {
    const bad = () => loadConfig({ KAIROS_SMTP_URL: 'http://user:secret@mail.example.com', KAIROS_SMTP_ARCHIVE_ADDRESS: 'archive' });
    expect(bad).toThrow(
      new ConfigError([
        'KAIROS_SMTP_URL is not a smtp:// or smtps:// URL with a host',
        'KAIROS_SMTP_FROM is required by KAIROS_SMTP_URL',
        'KAIROS_SMTP_ARCHIVE_IMAP_URL and KAIROS_SMTP_ARCHIVE_ADDRESS go together',
        'KAIROS_SMTP_ARCHIVE_ADDRESS=archive is not an email address',
      ]),
    );
    expect(() => loadConfig({ KAIROS_SMTP_FROM: 'bookings@example.com' })).toThrow(/KAIROS_SMTP_FROM and KAIROS_SMTP_ARCHIVE_\* need KAIROS_SMTP_URL/);
    expect(() => loadConfig({ KAIROS_SMTP_URL: 'smtp://h', KAIROS_SMTP_FROM: 'nobody' })).toThrow(/KAIROS_SMTP_FROM=nobody is not an email address/);
    expect(() => loadConfig({ KAIROS_SMTP_URL: 'not a url', KAIROS_SMTP_FROM: 'a@b.c' })).toThrow(/KAIROS_SMTP_URL is not a smtp:\/\/ or smtps:\/\/ URL/);
  });

  it('takes the four SMS provider settings together', () => {
    const sms = { KAIROS_SMS_URL: 'https://api.twilio.com/', KAIROS_SMS_ACCOUNT_SID: 'AC1', KAIROS_SMS_AUTH_TOKEN: 'token', KAIROS_SMS_FROM: '+15005550006' };
    expect(loadConfig(sms).sms).toEqual({ url: 'https://api.twilio.com', accountSid: 'AC1', authToken: 'token', from: '+15005550006' });
    expect(() => loadConfig({ KAIROS_SMS_URL: 'https://api.twilio.com' })).toThrow(/KAIROS_SMS_AUTH_TOKEN is required by KAIROS_SMS_URL/);
    expect(() => loadConfig({ ...sms, KAIROS_SMS_URL: 'ftp://x' })).toThrow(/KAIROS_SMS_URL is not a http:\/\/ or https:\/\/ URL/);
  });

  it('injects no fault after a send unless the environment asks for it', () => {
    expect(loadConfig({}).faultAfterSend).toBeUndefined();
    expect(loadConfig({ KAIROS_FAULT_AFTER_SEND: 'exit' }).faultAfterSend).toBe('exit');
    expect(() => loadConfig({ KAIROS_FAULT_AFTER_SEND: 'crash' })).toThrow(/KAIROS_FAULT_AFTER_SEND=crash is not exit/);
  });

  it('reports every problem at once, naming the variables', () => {
    expect(() => loadConfig({ KAIROS_EVENT_STORE: 'postgres', KAIROS_READ_STORE: 'mysql', KAIROS_PUBLISHER: 'kafka', PORT: 'x' })).toThrow(
      new ConfigError([
        'KAIROS_READ_STORE=mysql is not one of pglite | postgres | mongodb',
        'KAIROS_POSTGRES_URL is required by the chosen engines',
        'KAIROS_KAFKA_BROKERS is required by the chosen engines',
        'PORT=x is not a port number',
      ]),
    );
  });

  it('takes the production engines from the environment', () => {
    const config = loadConfig({
      KAIROS_EVENT_STORE: 'postgres',
      KAIROS_READ_STORE: 'postgres',
      KAIROS_PUBLISHER: 'kafka',
      KAIROS_POSTGRES_URL: 'postgres://x@h/db',
      KAIROS_KAFKA_BROKERS: 'a:9092, b:9092',
      KAIROS_ROLES: 'projector',
    });
    expect(config).toMatchObject({ postgresUrl: 'postgres://x@h/db', kafkaBrokers: ['a:9092', 'b:9092'], roles: ['projector'] });
  });

  it('reads calendars within 20 s, 20 MiB and 50,000 occurrences a year ahead, four at a time, from public hosts only, unless told otherwise', () => {
    expect(loadConfig({}).calendars).toEqual({
      limits: { timeoutMs: 20_000, maxBytes: 20 * 1024 * 1024, maxOccurrences: 50_000 },
      allowPrivateHosts: false,
      googleApiUrl: 'https://www.googleapis.com',
      horizonDays: 365,
      syncConcurrency: 4,
    });
    const told = loadConfig({
      KAIROS_CALENDAR_SYNC_TIMEOUT_MS: '500',
      KAIROS_CALENDAR_MAX_BYTES: '1024',
      KAIROS_CALENDAR_MAX_OCCURRENCES: '10',
      KAIROS_CALENDAR_HORIZON_DAYS: '30',
      KAIROS_CALENDAR_SYNC_CONCURRENCY: '1',
      KAIROS_CALENDAR_PRIVATE_HOSTS: 'allow',
      KAIROS_GOOGLE_API_URL: 'http://127.0.0.1:8080/',
    }).calendars;
    expect(told).toEqual({ limits: { timeoutMs: 500, maxBytes: 1024, maxOccurrences: 10 }, allowPrivateHosts: true, googleApiUrl: 'http://127.0.0.1:8080', horizonDays: 30, syncConcurrency: 1 });
  });

  it('reads external calendars no further ahead than the claims that guard bookings reach', () => {
    expect(loadConfig({ KAIROS_CALENDAR_HORIZON_DAYS: String(CLAIM_HORIZON_DAYS) }).calendars.horizonDays).toBe(CLAIM_HORIZON_DAYS);
    expect(() => loadConfig({ KAIROS_CALENDAR_HORIZON_DAYS: String(CLAIM_HORIZON_DAYS + 1) })).toThrow(ConfigError);
  });

  it('refuses a calendar setting out of its range, naming the variable', () => {
    expect(() =>
      loadConfig({
        KAIROS_CALENDAR_SYNC_TIMEOUT_MS: '0',
        KAIROS_CALENDAR_MAX_BYTES: 'lots',
        KAIROS_CALENDAR_MAX_OCCURRENCES: '1.5',
        KAIROS_CALENDAR_HORIZON_DAYS: '-1',
        KAIROS_CALENDAR_SYNC_CONCURRENCY: '0',
        KAIROS_CALENDAR_PRIVATE_HOSTS: 'maybe',
        KAIROS_GOOGLE_API_URL: 'ftp://google',
      }),
    ).toThrow(
      new ConfigError([
        'KAIROS_CALENDAR_PRIVATE_HOSTS=maybe is not one of deny | allow',
        'KAIROS_CALENDAR_SYNC_TIMEOUT_MS=0 is not a whole number from 1 to 600000',
        'KAIROS_CALENDAR_MAX_BYTES=lots is not a whole number from 1 to 1073741824',
        'KAIROS_CALENDAR_MAX_OCCURRENCES=1.5 is not a whole number from 1 to 10000000',
        'KAIROS_GOOGLE_API_URL is not a http:// or https:// URL with a host',
        'KAIROS_CALENDAR_HORIZON_DAYS=-1 is not a whole number from 1 to 400',
        'KAIROS_CALENDAR_SYNC_CONCURRENCY=0 is not a whole number from 1 to 256',
      ]),
    );
  });

  it('refuses PGlite for only one of the stores', () => {
    expect(() => loadConfig({ KAIROS_READ_STORE: 'postgres', KAIROS_POSTGRES_URL: 'postgres://x@h/db' })).toThrow(/go together/);
  });
});
