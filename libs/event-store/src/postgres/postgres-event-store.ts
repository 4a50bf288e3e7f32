import { PgClient } from '@kairos/sql';
import { SqlEventStore } from '../sql/sql-event-store';

/** The single-site production engine: the shared SQL adapter on a PostgreSQL server. */
export const postgresEventStore = (client: PgClient) => new SqlEventStore(client);
