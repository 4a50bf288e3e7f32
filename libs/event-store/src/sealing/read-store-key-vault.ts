import { randomBytes } from 'node:crypto';
import { ReadStore } from '@kairos/read-store';
import { KEY_BYTES, KeyVault, SubjectKey } from './key-vault';

/** The vault's collection in the read store: no projection owns it, so no rebuild drops it and no read cache keeps it. */
export const SUBJECT_KEYS = 'kairos_subject_keys';

/** One document per tenant and subject; `key` (base64) is overwritten with null when destroyed, so the key material is gone, not kept aside. */
interface KeyDocument {
  id: string;
  key: string | null;
}

const DESTROY_ATTEMPTS = 5;

/**
 * Keys in the read store, made with `insertIfAbsent` (of two makers, the first one's key is the
 * key) and destroyed with `replaceIf` on the key they hold, so a destroy never loses to a maker:
 * a subject erased before it ever had a key gets a document with no key, and none is made after.
 */
export class ReadStoreKeyVault implements KeyVault {
  private ready?: Promise<void>;

  constructor(private readonly store: ReadStore) {}

  private ensured(): Promise<void> {
    this.ready ??= this.store.ensureCollections([SUBJECT_KEYS]).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async keyFor(tenant: string, subject: string): Promise<SubjectKey> {
    await this.ensured();
    const found = await this.store.get<KeyDocument>(SUBJECT_KEYS, tenant, subject);
    if (found) return keyOf(found);
    const made: KeyDocument = { id: subject, key: randomBytes(KEY_BYTES).toString('base64') };
    if (await this.store.insertIfAbsent(SUBJECT_KEYS, tenant, { ...made })) return keyOf(made);
    const first = await this.store.get<KeyDocument>(SUBJECT_KEYS, tenant, subject);
    if (!first) throw new Error(`the key of ${subject} was made and is gone`);
    return keyOf(first);
  }

  async keysOf(tenant: string, subjects: readonly string[]): Promise<Map<string, SubjectKey>> {
    await this.ensured();
    const found = await this.store.getMany<KeyDocument>(SUBJECT_KEYS, tenant, [...subjects]);
    return new Map(found.map((doc) => [doc.id, keyOf(doc)]));
  }

  async destroy(tenant: string, subject: string): Promise<void> {
    await this.ensured();
    const destroyed: KeyDocument = { id: subject, key: null };
    for (let attempt = 0; attempt < DESTROY_ATTEMPTS; attempt++) {
      const found = await this.store.get<KeyDocument>(SUBJECT_KEYS, tenant, subject);
      if (found?.key === null) return;
      const done = found
        ? await this.store.replaceIf(SUBJECT_KEYS, tenant, { ...destroyed }, 'key', found.key)
        : await this.store.insertIfAbsent(SUBJECT_KEYS, tenant, { ...destroyed });
      if (done) return;
    }
    throw new Error(`the key of ${subject} kept changing while it was destroyed`);
  }
}

const keyOf = (doc: KeyDocument): SubjectKey => ({ key: doc.key === null ? null : Buffer.from(doc.key, 'base64') });
