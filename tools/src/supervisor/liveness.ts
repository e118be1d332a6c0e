import pg from 'pg';

export interface LivenessOptions {
  intervalMs?: number;
  timeoutMs?: number;
  /** consecutive failed probes before the child is declared hung */
  misses?: number;
  /**
   * Whether the child is known to be ready when the watch starts (the caller waited for it), so the
   * very first probes count. Default false.
   */
  answering?: boolean;
  /**
   * After a (re)start, failed probes are forgiven until the child answers a probe or says it is
   * ready (a slow start, e.g. a migration building an index, is not a hang), but only for this
   * long: a child that never gets there is hung too. Default 60 s.
   */
  startGraceMs?: number;
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
 * calls `onHung` (the supervisor kills it, and its restart takes over). After a (re)start, probes
 * count once the child answered or once `startGraceMs` has passed, so a slow start is not a hang
 * and a child stuck before its first answer is still caught. Returns a stop function.
 */
export function watchLiveness(
  probe: () => Promise<void>,
  onHung: (reason: string) => void,
  options: LivenessOptions = {},
  now: () => number = Date.now,
): { stop(): void; restarted(): void; ready(): void } {
  const intervalMs = options.intervalMs ?? 5_000;
  const misses = options.misses ?? 3;
  const graceMs = options.startGraceMs ?? 60_000;
  let failed = 0;
  let answered = options.answering ?? false;
  let startedAt = now();
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await probe();
      failed = 0;
      answered = true;
    } catch (err) {
      if (!answered && now() - startedAt < graceMs) return;
      failed++;
      if (failed >= misses) {
        failed = 0;
        answered = false;
        startedAt = now();
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
      startedAt = now();
    },
    ready: () => {
      failed = 0;
      answered = true;
    },
  };
}
