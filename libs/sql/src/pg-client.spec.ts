import { isConnectionFailure } from './pg-client';

describe('isConnectionFailure', () => {
  it.each([
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['every address refused', new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNREFUSED' })])],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pool wait timeout', new Error('timeout exceeded when trying to connect')],
    ['class 08', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['admin shutdown', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['crash shutdown', Object.assign(new Error('terminating connection because of crash of another server process'), { code: '57P02' })],
    ['starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['no slot', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
  ])('%s: the store is unavailable', (_, error) => expect(isConnectionFailure(error)).toBe(true));

  it.each([
    ['unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['serialization failure', Object.assign(new Error('could not serialize'), { code: '40001' })],
    ['syntax error', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['a plain error', new Error('boom')],
    ['nothing', undefined],
  ])('%s: an answer, not an outage', (_, error) => expect(isConnectionFailure(error)).toBe(false));
});
