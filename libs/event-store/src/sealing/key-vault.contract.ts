import { uniqueName } from '@kairos/testing';
import { KEY_BYTES, KeyVault } from './key-vault';

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

  it('has no key for a subject until asked to make one, then always the same one', async () => {
    const [t, s] = [tenant(), subject()];
    expect(await vault().keyFor(t, s, { create: false })).toBeNull();
    const made = await vault().keyFor(t, s, { create: true });
    expect(made?.key).toHaveLength(KEY_BYTES);
    expect((await vault().keyFor(t, s, { create: true }))?.key).toEqual(made?.key);
    expect((await vault().keyFor(t, s, { create: false }))?.key).toEqual(made?.key);
  });

  it('makes one key for a subject however many ask at once, in however many processes', async () => {
    const [t, s] = [tenant(), subject()];
    const keys = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? vault() : vault()).keyFor(t, s, { create: true })));
    expect(new Set(keys.map((k) => k?.key?.toString('hex'))).size).toBe(1);
  });

  it('keeps each tenant its own keys, and makes them at random', async () => {
    const s = subject();
    const [a, b] = await Promise.all([vault().keyFor(tenant(), s, { create: true }), vault().keyFor(tenant(), s, { create: true })]);
    expect(a?.key).not.toEqual(b?.key);
  });

  it('destroys a key for good: every process then finds it destroyed, and none makes another', async () => {
    const [t, s] = [tenant(), subject()];
    const keys = vault();
    await keys.keyFor(t, s, { create: true });
    await keys.destroy(t, s);
    expect(await keys.keyFor(t, s, { create: true })).toEqual({ key: null });
    expect(await vault().keyFor(t, s, { create: false })).toEqual({ key: null });
    expect(await vault().keyFor(t, s, { create: true })).toEqual({ key: null });
    await vault().destroy(t, s);
    expect(await vault().keyFor(t, s, { create: true })).toEqual({ key: null });
  });

  it('erases a subject that never had a key, so none is made for it afterwards', async () => {
    const [t, s] = [tenant(), subject()];
    await vault().destroy(t, s);
    expect(await vault().keyFor(t, s, { create: true })).toEqual({ key: null });
  });

  it('leaves a subject destroyed when a destroy races makers', async () => {
    const [t, s] = [tenant(), subject()];
    await Promise.all([vault().keyFor(t, s, { create: true }), vault().destroy(t, s), vault().keyFor(t, s, { create: true })]);
    expect(await vault().keyFor(t, s, { create: true })).toEqual({ key: null });
  });
};
