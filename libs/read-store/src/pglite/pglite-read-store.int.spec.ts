import { PgliteClient } from '@kairos/sql';
import { readStoreContract } from '../contract';
import { pgliteReadStore } from './pglite-read-store';

describe('read store on PGlite', () => {
  readStoreContract(async () => {
    const client = await PgliteClient.open();
    return { store: pgliteReadStore(client), dispose: () => client.close() };
  });
});
