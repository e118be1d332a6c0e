import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves a PGlite database (a directory, or in memory when `dataDir` is undefined) on the Postgres
 * wire protocol, so every service talks to it with the same `pg` driver as to a real server.
 */
export async function startEmbeddedDatabase(options: {
  dataDir?: string;
  port: number;
  host?: string;
  maxConnections?: number;
}): Promise<EmbeddedDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({
    db,
    port: options.port,
    host: options.host ?? '127.0.0.1',
    maxConnections: options.maxConnections ?? 200,
  });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
