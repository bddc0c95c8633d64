// Process entry point: `npm start`. Validates configuration, starts the bot, stops it cleanly on a signal.
import { ConfigError, loadConfig } from '../config';
import { startRuntime } from './runtime';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const runtime = await startRuntime(config);
  if (runtime.url) console.log(`\n  进圈入群 grid bot is up: open ${runtime.url}/ for the sandbox (API: ${runtime.url}/api/incidents)\n`);
  else console.log(`\n  进圈入群 grid bot is up as ${config.roles.join(' + ')}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      runtime.log.info({ signal }, 'shutting down');
      runtime.close().then(() => process.exit(0), (error) => {
        runtime.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

main().catch((error) => {
  console.error('grid bot failed to start:', error);
  process.exit(1);
});
