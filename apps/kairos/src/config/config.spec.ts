import { ConfigError, loadConfig } from './config';

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

  it('injects no fault unless the environment asks for the crash after a keyed append', () => {
    expect(loadConfig({}).faultAfterAppend).toBeUndefined();
    expect(loadConfig({ KAIROS_FAULT_AFTER_APPEND: 'exit' }).faultAfterAppend).toBe('exit');
    expect(() => loadConfig({ KAIROS_FAULT_AFTER_APPEND: 'crash' })).toThrow(/KAIROS_FAULT_AFTER_APPEND=crash is not exit/);
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

  it('refuses PGlite for only one of the stores', () => {
    expect(() => loadConfig({ KAIROS_READ_STORE: 'postgres', KAIROS_POSTGRES_URL: 'postgres://x@h/db' })).toThrow(/go together/);
  });
});
