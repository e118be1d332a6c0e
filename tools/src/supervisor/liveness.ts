import pg from 'pg';

export interface LivenessOptions {
  intervalMs?: number;
  timeoutMs?: number;
  /** consecutive failed probes before the child is declared hung */
  misses?: number;
}

/** `SELECT 1` on a fresh connection, within `timeoutMs`, else rejects. */
export async function probeDatabase(url: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // A failure after the probe gave up (a socket error on a hung server) must not crash the supervisor.
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.query('SELECT 1');
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => {});
  }
}

/**
 * A process that is alive but no longer answers (a database stuck on a protocol it cannot leave)
 * is not seen by exit detection. Probes it every `intervalMs`; after `misses` failures in a row
 * calls `onHung` (the supervisor kills it, and its restart takes over). Probes only count once the
 * child answered after its (re)start, so a slow start is not a hang. Returns a stop function.
 */
export function watchLiveness(
  probe: () => Promise<void>,
  onHung: (reason: string) => void,
  options: LivenessOptions = {},
): { stop(): void; restarted(): void } {
  const intervalMs = options.intervalMs ?? 5_000;
  const misses = options.misses ?? 3;
  let failed = 0;
  let answered = false;
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await probe();
      failed = 0;
      answered = true;
    } catch (err) {
      if (!answered) return;
      failed++;
      if (failed >= misses) {
        failed = 0;
        answered = false;
        onHung(`${misses} liveness probes failed (last: ${(err as Error).message})`);
      }
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    restarted: () => {
      failed = 0;
      answered = false;
    },
  };
}
