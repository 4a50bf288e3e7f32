import { pollingSubscription } from './subscription';

describe('pollingSubscription', () => {
  it('stops without waiting out the back-off after failed reads', async () => {
    let failures = 0;
    const failed: Array<() => void> = [];
    const subscription = pollingSubscription({
      after: null,
      onEvents: async () => undefined,
      onError: () => {
        failures++;
        failed.splice(0).forEach((resolve) => resolve());
      },
      read: async () => {
        throw new Error('the store is unreachable');
      },
      onWake: () => async () => undefined,
    });
    const failure = () => new Promise<void>((resolve) => failed.push(resolve));
    // Backing off 200, 400, 800 and 1,600 ms after the first four failures; 3,200 after the fifth.
    while (failures < 5) await failure();
    const started = Date.now();
    await subscription.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(failures).toBe(5);
  }, 15_000);
});
