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
});
