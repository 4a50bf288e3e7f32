import { createHmac } from 'node:crypto';
import { Request } from 'express';
import { DomainError } from '@kairos/core';
import { readRequestContext } from './request-context';

const SECRET = 'test-secret';

const bearer = (claims: Record<string, unknown>) => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `Bearer ${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
};

const requestWith = (authorization: string) => ({ header: (name: string) => (name === 'Authorization' ? authorization : undefined) }) as unknown as Request;

describe('request context from a bearer token', () => {
  const config = { auth: 'jwt' as const, jwtSecret: SECRET };

  it('takes the subject as the actor id', () => {
    expect(readRequestContext(requestWith(bearer({ tenant: 't1', actor: 'CUSTOMER', sub: 'c-1' })), config)).toMatchObject({ tenant: 't1', actor: { type: 'CUSTOMER', id: 'c-1' } });
  });

  it.each(['c\u0000', '\ud800'])('refuses a subject no event can hold (%j) as unauthenticated', (sub) => {
    const read = () => readRequestContext(requestWith(bearer({ tenant: 't1', actor: 'CUSTOMER', sub })), config);
    expect(read).toThrow(DomainError);
    expect(read).toThrow('the token names no valid subject');
  });
});
