import { join } from 'node:path';
import { migrate, startEmbeddedDatabase } from '@botpulse/db';
import { commonEnvShape, createLogger, exitOnStartupError, onShutdown, parseEnv } from '@botpulse/runtime';
import { z } from 'zod';

const HELP = `npm run db — serve the embedded PGlite database on the Postgres wire protocol

  Data lives in $DATA_DIR/pglite (default ./data/pglite); it listens on 127.0.0.1:$EMBEDDED_DB_PORT
  (default 5433). Migrations are applied at start. Connect with:
    psql postgres://postgres@127.0.0.1:5433/postgres
  Not needed when DATABASE_URL points at a PostgreSQL server.`;

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const env = parseEnv(z.object(commonEnvShape));
  const log = createLogger('db', env.LOG_LEVEL);
  if (env.DATABASE_URL) log.warn('DATABASE_URL is set: the services will use it, not this embedded database');
  const dataDir = join(env.DATA_DIR, 'pglite');
  let db: Awaited<ReturnType<typeof startEmbeddedDatabase>>;
  try {
    db = await startEmbeddedDatabase({ dataDir, port: env.EMBEDDED_DB_PORT, host: '127.0.0.1' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `port ${env.EMBEDDED_DB_PORT} is in use (is another "npm run db" running?); set EMBEDDED_DB_PORT`,
      );
    }
    throw err;
  }
  await migrate(db.url, (m) => log.info(m));
  log.info({ url: db.url, dataDir }, 'embedded database ready');
  onShutdown(log, () => db.stop());
}

main().catch((err) => exitOnStartupError('db', err));
