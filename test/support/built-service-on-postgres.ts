import { Client } from 'pg';
import { BuiltService, testServers, uniqueName } from '@kairos/testing';

/**
 * The built service on the test PostgreSQL, in a schema of its own, publishing in-process: what
 * the suites that kill and restart the service run. `start` takes the environment's extra settings
 * (faults to inject, servers to reach); `dispose` stops it and drops the schema.
 */
export const builtServiceOnPostgres = (prefix: string) => {
  const schema = uniqueName(prefix);
  let service: BuiltService | undefined;
  return {
    schema,
    service: () => service!,
    start: async (env: Record<string, string | undefined> = {}) => {
      service = await BuiltService.start({
        KAIROS_EVENT_STORE: 'postgres',
        KAIROS_READ_STORE: 'postgres',
        KAIROS_PUBLISHER: 'inprocess',
        KAIROS_POSTGRES_URL: testServers.postgresUrl(),
        KAIROS_POSTGRES_SCHEMA: schema,
        KAIROS_LOG_LEVEL: 'error',
        ...env,
      });
      return service;
    },
    dispose: async () => {
      await service?.stop();
      const pg = new Client({ connectionString: testServers.postgresUrl() });
      await pg.connect();
      await pg.query(`drop schema if exists ${schema} cascade`);
      await pg.end();
    },
  };
};
