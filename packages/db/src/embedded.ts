import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';
import { StickyQueryQueue } from './embedded-queue';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves a PGlite database (a directory, or in memory when `dataDir` is undefined) on the Postgres
 * wire protocol, so every service talks to it with the same `pg` driver as to a real server.
 * pglite-socket's handler speaks the protocol; our queue decides whose turn it is (see StickyQueryQueue).
 */
export async function startEmbeddedDatabase(options: {
  dataDir?: string;
  port: number;
  host?: string;
  maxConnections?: number;
}): Promise<EmbeddedDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Extensions the migrations create must be loaded here (PGlite bundles them; pg_trgm: migration 010).
  const db = await PGlite.create(options.dataDir ?? 'memory://', { extensions: { pg_trgm } });
  const queue = new StickyQueryQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const maxConnections = options.maxConnections ?? 200;

  const server: Server = createServer((socket) => {
    if (handlers.size >= maxConnections) {
      socket.end();
      return;
    }
    const handler = new PGLiteSocketHandler({
      queryQueue: queue as unknown as ConstructorParameters<typeof PGLiteSocketHandler>[0]['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const h of handlers) void h.detach(true);
      });
      await db.close();
    },
  };
}
