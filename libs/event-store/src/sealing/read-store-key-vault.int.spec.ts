import { CachingReadStore, ReadStore, SqlReadStore } from '@kairos/read-store';
import { MongoReadStore } from '@kairos/read-store/mongodb/mongo-read-store';
import { describeWith, scratchMongo, scratchPglite, scratchPostgres, testServers } from '@kairos/testing';
import { CachedKeyVault } from './key-vault';
import { existingKey, keyVaultContract } from './key-vault.contract';
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
      const made = await vault.keyFor('t1', 'c1');
      expect(await store.get(SUBJECT_KEYS, 't1', 'c1')).toEqual({ id: 'c1', key: made.key!.toString('base64') });
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

describeWith('MongoDB', testServers.mongoUrl(), `key vault on the read store: ${testServers.mongoServer()}`, () => {
  vaultOnReadStore(async () => {
    const { db, dispose } = await scratchMongo('keys');
    return { store: new MongoReadStore(db), dispose };
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
      // Long enough that a loaded machine still asks again within it; the wait below outlasts it.
      const here = new CachedKeyVault(new ReadStoreKeyVault(store), { maxEntries: 10, ttlMs: 3_000 });
      const elsewhere = new ReadStoreKeyVault(store);
      await here.keyFor('t1', 'c1');
      await here.keyFor('t1', 'c2');
      await here.destroy('t1', 'c1');
      expect(await existingKey(here, 't1', 'c1')).toEqual({ key: null });

      await elsewhere.destroy('t1', 'c2');
      expect((await existingKey(here, 't1', 'c2'))?.key).toHaveLength(32);
      await new Promise((resolve) => setTimeout(resolve, 3_100));
      expect(await existingKey(here, 't1', 'c2')).toEqual({ key: null });
    } finally {
      await dispose();
    }
  });

  it('asks the vault once to make a key many ask for at once, and only for the keys it does not keep', async () => {
    const { store, dispose } = await onSql(scratchPglite)();
    try {
      const inner = new ReadStoreKeyVault(store);
      const asked: string[][] = [];
      const counting = {
        keyFor: (tenant: string, subject: string) => (asked.push([subject]), inner.keyFor(tenant, subject)),
        keysOf: (tenant: string, subjects: readonly string[]) => (asked.push([...subjects]), inner.keysOf(tenant, subjects)),
        destroy: (tenant: string, subject: string) => inner.destroy(tenant, subject),
      };
      const vault = new CachedKeyVault(counting);
      await Promise.all(Array.from({ length: 20 }, () => vault.keyFor('t1', 'c1')));
      await inner.keyFor('t1', 'c2');
      expect([...(await vault.keysOf('t1', ['c1', 'c2', 'c3'])).keys()].sort()).toEqual(['c1', 'c2']);
      await vault.keysOf('t1', ['c1', 'c2']);
      expect(asked).toEqual([['c1'], ['c2', 'c3']]);
    } finally {
      await dispose();
    }
  });
});
