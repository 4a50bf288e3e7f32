import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { ConfigError, KairosConfig, loadConfig } from './config/config';
import { isUnreachable } from './http/problem';
import { Stores, openStores } from './infrastructure/stores';
import { JsonLogger } from './ops/json-logger';

const MAX_START_RETRY_MS = 10_000;

/**
 * Opens the stores and starts the app. Started while a store or the broker is out of reach (a
 * restart during an outage), it waits for them with back-off instead of exiting, and comes up by
 * itself once they answer; any other failure ends the start.
 */
const start = async (config: KairosConfig, logger: JsonLogger): Promise<{ app: INestApplication; stores: Stores }> => {
  for (let failures = 0; ; failures++) {
    let stores: Stores | undefined;
    let app: INestApplication | undefined;
    try {
      stores = await openStores(config);
      app = await createApp(config, stores, { logger });
      if (config.roles.includes('api')) await app.listen(config.port, '0.0.0.0');
      else await app.init();
      return { app, stores };
    } catch (error) {
      await app?.close().catch(() => undefined);
      await stores?.close();
      if (!isUnreachable(error)) throw error;
      const retryInMs = Math.min(500 * 2 ** failures, MAX_START_RETRY_MS);
      logger.warn({ message: 'a store is out of reach; starting again later', retryInMs, error: (error as Error).message }, 'main');
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
};

const main = async () => {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = new JsonLogger((process.env.KAIROS_LOG_LEVEL as 'info') ?? 'info');
  const { app, stores } = await start(config, logger);
  new Logger('main').log({
    message: 'kairos is running',
    port: config.roles.includes('api') ? config.port : null,
    eventStore: config.eventStore,
    readStore: config.readStore,
    publisher: config.publisher,
    dataDir: config.eventStore === 'pglite' ? config.dataDir : undefined,
  });
  const shutdown = async () => {
    try {
      await app.close();
      await stores.close();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`kairos did not stop cleanly: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
};

main().catch((error: unknown) => {
  process.stderr.write(`kairos failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
