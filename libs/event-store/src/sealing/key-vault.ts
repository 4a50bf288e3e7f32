import { LRUCache } from 'lru-cache';

/** A subject's key as the vault holds it: `key` null once it was destroyed, for good. */
export interface SubjectKey {
  readonly key: Buffer | null;
}

/**
 * Where the keys that seal each person's data live, one random 256-bit key per tenant and subject.
 * Destroying a key is what erases the person: whatever the log holds sealed with it can no
 * longer be opened, and no new key is ever made for that subject.
 */
export interface KeyVault {
  /** The subject's key, made if it has none yet (concurrent callers get the same key); `{ key: null }` once destroyed. */
  keyFor(tenant: string, subject: string): Promise<SubjectKey>;
  /** The keys of those subjects that have one (destroyed ones too), in one trip: what reading a page of the log needs. */
  keysOf(tenant: string, subjects: readonly string[]): Promise<Map<string, SubjectKey>>;
  /** Destroys the subject's key (or marks a subject that never had one), so none is ever made again. */
  destroy(tenant: string, subject: string): Promise<void>;
}

export const KEY_BYTES = 32;

export interface KeyCacheOptions {
  /** Keys kept at most; the least recently used go first. */
  maxEntries: number;
  /** How long a key is used from memory before the vault is asked again: how late another process hears of a destroyed key. */
  ttlMs: number;
}

export const DEFAULT_KEY_CACHE: KeyCacheOptions = { maxEntries: 10_000, ttlMs: 30_000 };

const DESTROYED: SubjectKey = Object.freeze({ key: null });

/**
 * Keeps keys in memory for a short while, so sealing a booking or opening a page of the log costs
 * no round trip to the vault most of the time. A key destroyed here is known destroyed at once; one
 * destroyed by another process is still used here until its entry expires (`ttlMs`). Concurrent
 * asks to make one subject's key share one trip to the vault.
 */
export class CachedKeyVault implements KeyVault {
  private readonly keys: LRUCache<string, SubjectKey>;
  private readonly making = new Map<string, Promise<SubjectKey>>();

  constructor(
    private readonly inner: KeyVault,
    options: KeyCacheOptions = DEFAULT_KEY_CACHE,
  ) {
    this.keys = new LRUCache<string, SubjectKey>({ max: Math.max(1, options.maxEntries), ttl: Math.max(1, options.ttlMs) });
  }

  async keyFor(tenant: string, subject: string): Promise<SubjectKey> {
    const id = cacheKey(tenant, subject);
    const kept = this.keys.get(id);
    if (kept) return kept;
    const pending = this.making.get(id);
    if (pending) return pending;
    const making = this.inner.keyFor(tenant, subject).finally(() => this.making.delete(id));
    this.making.set(id, making);
    return this.keep(id, await making);
  }

  async keysOf(tenant: string, subjects: readonly string[]): Promise<Map<string, SubjectKey>> {
    const found = new Map<string, SubjectKey>();
    const missing: string[] = [];
    for (const subject of new Set(subjects)) {
      const kept = this.keys.get(cacheKey(tenant, subject));
      if (kept) found.set(subject, kept);
      else missing.push(subject);
    }
    if (missing.length === 0) return found;
    // A subject with no key yet is not remembered: someone may make one any moment.
    for (const [subject, key] of await this.inner.keysOf(tenant, missing)) found.set(subject, this.keep(cacheKey(tenant, subject), key));
    return found;
  }

  async destroy(tenant: string, subject: string): Promise<void> {
    await this.inner.destroy(tenant, subject);
    this.keys.set(cacheKey(tenant, subject), DESTROYED);
  }

  /** Destroyed here while the vault was asked: that stands. */
  private keep(id: string, key: SubjectKey): SubjectKey {
    if (this.keys.get(id)?.key === null) return DESTROYED;
    this.keys.set(id, key);
    return key;
  }
}

const cacheKey = (tenant: string, subject: string) => `${tenant}\u0000${subject}`;
