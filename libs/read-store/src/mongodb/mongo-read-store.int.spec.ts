import { MONGO_STAND_IN, describeWith, scratchMongo, testServers } from '@kairos/testing';
import { readStoreContract } from '../contract';
import { MongoReadStore } from './mongo-read-store';

/**
 * The contract cases mongo-java-server cannot run, with what it lacks that the adapter needs. They
 * are skipped on it only: on a MongoDB (KAIROS_MONGODB_URL) every case runs.
 */
const UNSUPPORTED_BY_STAND_IN: Readonly<Record<string, string>> = {
  'rebuilds into fresh collections and swaps them in with their checkpoint':
    'dropping a collection that does not exist fails with "ns not found" but without its code (26, NamespaceNotFound), by which alone the driver treats it as done; a rebuild first drops its staging collections, which do not exist yet',
};

describeWith('MongoDB', testServers.mongoUrl(), `read store on ${testServers.mongoServer()}`, () => {
  readStoreContract(
    async () => {
      const { db, dispose } = await scratchMongo('rs');
      return { store: new MongoReadStore(db), dispose };
    },
    testServers.mongoServer() === MONGO_STAND_IN ? UNSUPPORTED_BY_STAND_IN : {},
  );
});
