import { MongoClient } from 'mongodb';
import { describeWith, testServers, uniqueName } from '@kairos/testing';
import { readStoreContract } from '../contract';
import { MongoReadStore } from './mongo-read-store';

describeWith('MongoDB', testServers.mongoUrl(), 'read store on MongoDB', () => {
  readStoreContract(async () => {
    const client = await MongoClient.connect(testServers.mongoUrl()!);
    const db = client.db(uniqueName('rs'));
    return {
      store: new MongoReadStore(db),
      dispose: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  });
});
