import { uniqueName } from '@kairos/testing';
import { KEY_BYTES, KeyVault, SubjectKey } from './key-vault';

/** The subject's key as a reader of the log finds it: null when it never had one. */
export const existingKey = async (vault: KeyVault, tenant: string, subject: string): Promise<SubjectKey | null> =>
  (await vault.keysOf(tenant, [subject])).get(subject) ?? null;

/**
 * The behaviour every key vault must have. `vault()` answers a vault over the same keys as a new
 * process would open it: what one makes or destroys, the others see.
 */
export const keyVaultContract = (open: () => Promise<{ vault(): KeyVault; dispose(): Promise<void> }>) => {
  let vault: () => KeyVault;
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ vault, dispose } = await open()));
  afterAll(async () => dispose?.());

  const subject = () => uniqueName('contact');
  const tenant = () => uniqueName('tenant');

  it('has no key for a subject until one is made, then always the same one', async () => {
    const [t, s] = [tenant(), subject()];
    expect(await existingKey(vault(), t, s)).toBeNull();
    const made = await vault().keyFor(t, s);
    expect(made.key).toHaveLength(KEY_BYTES);
    expect((await vault().keyFor(t, s)).key).toEqual(made.key);
    expect((await existingKey(vault(), t, s))?.key).toEqual(made.key);
  });

  it('makes one key for a subject however many ask at once, in however many processes', async () => {
    const [t, s] = [tenant(), subject()];
    const shared = vault();
    const keys = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? shared : vault()).keyFor(t, s)));
    expect(new Set(keys.map((k) => k.key?.toString('hex'))).size).toBe(1);
  });

  it('keeps each tenant its own keys, and makes them at random', async () => {
    const s = subject();
    const [a, b] = await Promise.all([vault().keyFor(tenant(), s), vault().keyFor(tenant(), s)]);
    expect(a.key).not.toEqual(b.key);
  });

  it('reads the keys of many subjects at once: those it has, destroyed ones too', async () => {
    const t = tenant();
    const [made, destroyed, unknown] = [subject(), subject(), subject()];
    const key = await vault().keyFor(t, made);
    await vault().keyFor(t, destroyed);
    await vault().destroy(t, destroyed);
    const found = await vault().keysOf(t, [made, destroyed, unknown, made]);
    expect(found).toEqual(new Map([[made, key], [destroyed, { key: null }]]));
    expect(await vault().keysOf(tenant(), [made])).toEqual(new Map());
  });

  it('destroys a key for good: every process then finds it destroyed, and none makes another', async () => {
    const [t, s] = [tenant(), subject()];
    const keys = vault();
    await keys.keyFor(t, s);
    await keys.destroy(t, s);
    expect(await keys.keyFor(t, s)).toEqual({ key: null });
    expect(await existingKey(vault(), t, s)).toEqual({ key: null });
    expect(await vault().keyFor(t, s)).toEqual({ key: null });
    await vault().destroy(t, s);
    expect(await vault().keyFor(t, s)).toEqual({ key: null });
  });

  it('erases a subject that never had a key, so none is made for it afterwards', async () => {
    const [t, s] = [tenant(), subject()];
    await vault().destroy(t, s);
    expect(await vault().keyFor(t, s)).toEqual({ key: null });
  });

  it('leaves a subject destroyed when a destroy races makers', async () => {
    const [t, s] = [tenant(), subject()];
    await Promise.all([vault().keyFor(t, s), vault().destroy(t, s), vault().keyFor(t, s)]);
    expect(await vault().keyFor(t, s)).toEqual({ key: null });
  });
};
