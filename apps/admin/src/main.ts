import { createLogger, exitOnStartupError, onShutdown } from '@botpulse/runtime';
import { loadAdminConfig } from './config';
import { buildAdmin } from './server';

/** `npm run admin`: one admin process, configured from the environment alone. */
async function main() {
  const config = loadAdminConfig();
  const log = createLogger('admin', config.logLevel);
  const admin = await buildAdmin(config, log);
  const url = await admin.start();
  log.info(
    {
      url,
      database: config.embeddedDatabase ? 'embedded' : 'external',
      redis: config.redisUrl ? 'on' : 'off',
    },
    'admin ready',
  );
  onShutdown(log, () => admin.stop());
}

main().catch((err) => exitOnStartupError('admin', err));
