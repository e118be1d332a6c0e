import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Applies every pending versioned SQL migration (packages/db/migrations). Safe to call from every
 * process at start-up: node-pg-migrate holds an advisory lock and waits for another runner.
 */
export async function migrate(url: string, log: (msg: string) => void = () => {}): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const ran = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'schema_migrations',
      singleTransaction: true,
      advisoryLockMode: 'wait',
      checkOrder: true,
      log: () => {},
      logger: { debug: () => {}, info: () => {}, warn: log, error: log },
    });
    for (const m of ran) log(`applied migration ${m.name}`);
    return ran.map((m) => m.name);
  } finally {
    await client.end();
  }
}
