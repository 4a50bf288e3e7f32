import { MongoClient } from 'mongodb';
import { CachingReadStore, ReadStore, SqlReadStore } from '@kairos/read-store';
import { MongoReadStore } from '@kairos/read-store/mongodb/mongo-read-store';
import { describeWith, scratchPglite, scratchPostgres, testServers, uniqueName } from '@kairos/testing';
import { CachedKeyVault } from './key-vault';
import { keyVaultContract } from './key-vault.contract';
import { ReadStoreKeyVault, SUBJECT_KEYS } from './read-store-key-vault';

const onSql = (open: () => Promise<{ client: ConstructorParameters<typeof SqlReadStore>[0]; dispose(): Promise<void> }>) => async () => {
  const { client, dispose } = await open();
  const store = new SqlReadStore(client);
  return { store, dispose };
};

/** The contract, and what only the read store can show: the key material itself is gone from the document. */
const vaultOnReadStore = (open: () => Promise<{ store: ReadStore; dispose(): Promise<void> }>) => {
  keyVaultContract(async () => {
    const { store, dispose } = await open();
    return { vault: () => new ReadStoreKeyVault(store), dispose };
  });

  it('overwrites the key material when it destroys a key', async () => {
    const { store, dispose } = await open();
    try {
      const vault = new ReadStoreKeyVault(store);
      const made = await vault.keyFor('t1', 'c1', { create: true });
      expect(await store.get(SUBJECT_KEYS, 't1', 'c1')).toEqual({ id: 'c1', key: made!.key!.toString('base64') });
      await vault.destroy('t1', 'c1');
      expect(await store.get(SUBJECT_KEYS, 't1', 'c1')).toEqual({ id: 'c1', key: null });
    } finally {
      await dispose();
    }
  });
};

describe('key vault on the read store: PGlite', () => {
  vaultOnReadStore(onSql(scratchPglite));
});

describeWith('PostgreSQL', testServers.postgresUrl(), 'key vault on the read store: PostgreSQL', () => {
  vaultOnReadStore(onSql(() => scratchPostgres('keys')));
});

describeWith('MongoDB', testServers.mongoUrl(), 'key vault on the read store: MongoDB', () => {
  vaultOnReadStore(async () => {
    const client = await MongoClient.connect(testServers.mongoUrl()!);
    const db = client.db(uniqueName('keys'));
    return {
      store: new MongoReadStore(db),
      dispose: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  });
});

describe('key vault behind the read cache and a key cache (PGlite)', () => {
  // Every vault here is a process of its own: its own read cache (leading every projection) and key cache.
  keyVaultContract(async () => {
    const { store, dispose } = await onSql(scratchPglite)();
    const cached = () => {
      const reads = new CachingReadStore(store, { owners: new Map([['bookings', 'bookings']]), maxEntries: 100 });
      reads.leading('bookings', null);
      return new CachedKeyVault(new ReadStoreKeyVault(reads));
    };
    return { vault: cached, dispose };
  });

  it('knows a key destroyed in its own process at once, and one destroyed elsewhere once its entry expires', async () => {
    const { store, dispose } = await onSql(scratchPglite)();
    try {
      const here = new CachedKeyVault(new ReadStoreKeyVault(store), { maxEntries: 10, ttlMs: 200 });
      const elsewhere = new ReadStoreKeyVault(store);
      const key = await here.keyFor('t1', 'c1', { create: true });
      await here.keyFor('t1', 'c2', { create: true });
      await here.destroy('t1', 'c1');
      expect(await here.keyFor('t1', 'c1', { create: false })).toEqual({ key: null });

      await elsewhere.destroy('t1', 'c2');
      expect((await here.keyFor('t1', 'c2', { create: false }))?.key).toHaveLength(32);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await here.keyFor('t1', 'c2', { create: false })).toEqual({ key: null });
      expect(key?.key).toHaveLength(32);
    } finally {
      await dispose();
    }
  });

  it('asks the vault once for a subject many ask for at once', async () => {
    const { store, dispose } = await onSql(scratchPglite)();
    try {
      let asked = 0;
      const inner = new ReadStoreKeyVault(store);
      const counting = { keyFor: (...args: Parameters<ReadStoreKeyVault['keyFor']>) => (asked++, inner.keyFor(...args)), destroy: inner.destroy.bind(inner) };
      const vault = new CachedKeyVault(counting);
      await Promise.all(Array.from({ length: 20 }, () => vault.keyFor('t1', 'c1', { create: true })));
      await vault.keyFor('t1', 'c1', { create: false });
      expect(asked).toBe(1);
    } finally {
      await dispose();
    }
  });
});
