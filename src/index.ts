import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createApp } from './app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const app = await createApp(config, log);
  const url = await app.start();
  log.info({ url, env: config.env }, 'Safer Social listening');
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    app.stop().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: Error) => {
  process.stderr.write(`Safer Social failed to start: ${e.name}: ${e.message}\n`);
  process.exit(1);
});
