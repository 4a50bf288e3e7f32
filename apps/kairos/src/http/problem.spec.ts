import { UnavailableError } from '@eventstore/db-client';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { StoreUnavailable } from '@kairos/core';
import { toProblem } from './problem';

describe('toProblem: a store out of reach', () => {
  it.each([
    ['PostgreSQL or Kafka', new StoreUnavailable('postgres', new Error('connect ECONNREFUSED 127.0.0.1:5432'))],
    ['a MongoDB connection lost', new MongoNetworkError('connection closed')],
    ['no MongoDB server to select', new MongoServerSelectionError('Server selection timed out', { type: 'Unknown', servers: new Map() } as never)],
    ['EventStoreDB unavailable', new UnavailableError({ code: 14, details: 'No connection established' } as never)],
  ])('%s answers 503 unavailable', (_, error) => {
    expect(toProblem(error)).toMatchObject({ status: 503, type: 'urn:kairos:problem:unavailable' });
  });

  it('anything else unforeseen is still a 500', () => {
    expect(toProblem(new Error('boom'))).toMatchObject({ status: 500, type: 'urn:kairos:problem:internal' });
  });
});
