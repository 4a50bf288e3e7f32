import { hash, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** RFC 9562 name-based UUID (SHA-1): the same namespace and name always give the same id. */
export const uuidV5 = (namespace: string, name: string): string => {
  // One-shot hashing of one buffer: projections derive ids for every event they fold, and a Hash
  // object per id cost several times the digest itself.
  const hex = hash('sha1', Buffer.concat([Buffer.from(namespace.replace(/-/g, ''), 'hex'), Buffer.from(name, 'utf8')]), 'hex');
  // RFC 9562: the version (5) is the 13th hex digit; the variant sets the top two bits of the 17th to 10.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** Namespace for ids this service derives itself (instance ids, business schedules, event ids of retries). */
export const KAIROS_NAMESPACE = '6f1c3a52-8d1e-4b8e-9a57-0c2f4e6b7d10';
