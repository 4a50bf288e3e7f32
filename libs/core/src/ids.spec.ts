import { createHash } from 'node:crypto';
import { isUuid, uuidV5 } from './ids';

describe('uuidV5', () => {
  it('matches the RFC 9562 test vector', () => {
    // DNS namespace and "www.example.com", from RFC 9562 appendix A.4.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is stable for a name and differs across names', () => {
    const a = uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'a');
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'a')).toBe(a);
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'b')).not.toBe(a);
    expect(isUuid(a)).toBe(true);
  });

  it('sets the version and variant over the SHA-1 of the namespace bytes and the UTF-8 name, for any digest', () => {
    const namespace = '6f1c3a52-8d1e-4b8e-9a57-0c2f4e6b7d10';
    const byDefinition = (name: string) => {
      const digest = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
      digest[6] = (digest[6] & 0x0f) | 0x50;
      digest[8] = (digest[8] & 0x3f) | 0x80;
      const hex = digest.subarray(0, 16).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    };
    // Enough names that the digest's 17th hex digit takes every value, with multi-byte characters among them.
    const names = Array.from({ length: 200 }, (_, i) => `tenant:${i}:Zoë ${'日'.repeat(i % 5)}`);
    expect(names.map((name) => uuidV5(namespace, name))).toEqual(names.map(byDefinition));
  });
});
