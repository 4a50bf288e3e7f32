import { PgliteClient } from '@kairos/sql';
import { SqlEventStore } from '../sql/sql-event-store';

/** The embedded default: the shared SQL adapter on PGlite. */
export const pgliteEventStore = (client: PgliteClient) => new SqlEventStore(client);
