import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedDatabase } from './embedded';
import { migrate } from './migrate';

export interface TestDatabase {
  url: string;
  kind: 'postgres' | 'pglite';
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new `botpulse_test_<random>` database on the
 * server at TEST_DATABASE_URL (CI), or an in-memory PGlite served on a free port.
 */
export async function createTestDatabase(
  options: { migrate?: boolean; serverUrl?: string; prefix?: string } = {},
): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? process.env.TEST_DATABASE_URL;
  let db: TestDatabase;
  if (serverUrl) {
    const name = `${options.prefix ?? 'botpulse_test'}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    db = {
      url: url.toString(),
      kind: 'postgres',
      async drop() {
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  } else {
    const embedded = await startEmbeddedDatabase({ port: 0 });
    db = { url: embedded.url, kind: 'pglite', drop: () => embedded.stop() };
  }
  if (options.migrate !== false) await migrate(db.url);
  return db;
}
