import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './config/config';
import { openStores } from './infrastructure/stores';
import { JsonLogger } from './ops/json-logger';

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
  const stores = await openStores(config);
  const app = await createApp(config, stores, { logger });
  if (config.roles.includes('api')) await app.listen(config.port, '0.0.0.0');
  else await app.init();
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
