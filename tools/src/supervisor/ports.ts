import { createServer } from 'node:net';

/** Resolves when `port` can be listened on at `host`; rejects with EADDRINUSE (or another error) otherwise. */
function probe(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/**
 * Every port the system is about to listen on must be free: a child that cannot bind would only
 * crash and be restarted forever, and a busy database port would silently be someone else's database.
 */
export async function assertPortsFree(
  host: string,
  ports: Array<{ name: string; port: number }>,
): Promise<void> {
  for (const { name, port } of ports) {
    try {
      await probe(port, host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new Error(
          `port ${port} (${name}) is already in use — is Botpulse already running? Stop it, or choose another ${name}.`,
        );
      }
      throw new Error(`cannot listen on ${host}:${port} (${name}): ${(err as Error).message}`);
    }
  }
}
