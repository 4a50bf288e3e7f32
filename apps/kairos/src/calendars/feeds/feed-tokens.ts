import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes in base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const newFeedToken = (): string => randomBytes(32).toString('base64url');

/** What the log and the read models keep of a token: enough to find its feed, nothing to rebuild it from. */
export const feedTokenDigest = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Whether a string could be a token this service issued; anything else is unknown without asking a store. */
export const isFeedTokenShaped = (value: string): boolean => TOKEN.test(value);

export const feedUrlOf = (token: string) => `/v1/feeds/${token}.ics`;
