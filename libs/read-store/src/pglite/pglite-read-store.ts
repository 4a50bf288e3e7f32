import { PgliteClient } from '@kairos/sql';
import { SqlReadStore } from '../sql/sql-read-store';

/** The embedded default: the shared SQL adapter on PGlite. */
export const pgliteReadStore = (client: PgliteClient) => new SqlReadStore(client);
