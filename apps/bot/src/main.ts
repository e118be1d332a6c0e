import { createLogger, exitOnStartupError, onShutdown } from '@botpulse/runtime';
import { buildBot } from './app';
import { loadBotConfig } from './config';

/** `npm run bot`: one bot process, configured from the environment alone. */
async function main() {
  const config = loadBotConfig();
  const log = createLogger('bot', config.logLevel).child({ instance_id: config.instanceId });
  const bot = await buildBot(config, log);
  const url = await bot.start();
  log.info(
    {
      url,
      instance_id: config.instanceId,
      database: config.embeddedDatabase ? 'embedded' : 'external',
      gemini: config.gemini ? 'on' : 'rules',
      send_api: config.pageAccessToken ? 'on' : 'off (replies recorded as not sent)',
    },
    'bot ready',
  );
  onShutdown(log, () => bot.stop());
}

main().catch((err) => exitOnStartupError('bot', err));
