import { PgClient } from '@kairos/sql';
import { SqlReadStore } from '../sql/sql-read-store';

/** The single-site production engine: the shared SQL adapter on a PostgreSQL server. */
export const postgresReadStore = (client: PgClient) => new SqlReadStore(client);
