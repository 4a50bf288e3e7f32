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
  /**
   * The subject's key; with `create`, one is made if the subject has none yet (concurrent callers
   * get the same key). Null when there is none and `create` is false; `{ key: null }` once destroyed.
   */
  keyFor(tenant: string, subject: string, options: { create: boolean }): Promise<SubjectKey | null>;
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

/**
 * Keeps keys in memory for a short while, so sealing a booking or opening a page of the log costs
 * no round trip to the vault most of the time. A key destroyed here is known destroyed at once; one
 * destroyed by another process is still used here until its entry expires (`ttlMs`). Concurrent
 * asks for one subject share one trip to the vault.
 */
export class CachedKeyVault implements KeyVault {
  private readonly keys: LRUCache<string, SubjectKey>;
  private readonly inFlight = new Map<string, Promise<SubjectKey | null>>();

  constructor(
    private readonly inner: KeyVault,
    options: KeyCacheOptions = DEFAULT_KEY_CACHE,
  ) {
    this.keys = new LRUCache<string, SubjectKey>({ max: Math.max(1, options.maxEntries), ttl: Math.max(1, options.ttlMs) });
  }

  async keyFor(tenant: string, subject: string, options: { create: boolean }): Promise<SubjectKey | null> {
    const id = `${tenant}\u0000${subject}`;
    const kept = this.keys.get(id);
    if (kept) return kept;
    const asking = `${id}\u0000${options.create}`;
    const pending = this.inFlight.get(asking);
    if (pending) return pending;
    const ask = this.inner.keyFor(tenant, subject, options).then(
      (found) => {
        this.inFlight.delete(asking);
        // Destroyed here while the vault was asked: that stands.
        const destroyed = this.keys.get(id)?.key === null;
        if (destroyed) return DESTROYED;
        // A subject with no key yet is not remembered: someone may make one any moment.
        if (found) this.keys.set(id, found);
        return found;
      },
      (error: unknown) => {
        this.inFlight.delete(asking);
        throw error;
      },
    );
    this.inFlight.set(asking, ask);
    return ask;
  }

  async destroy(tenant: string, subject: string): Promise<void> {
    await this.inner.destroy(tenant, subject);
    this.keys.set(`${tenant}\u0000${subject}`, DESTROYED);
  }
}

const DESTROYED: SubjectKey = Object.freeze({ key: null });
