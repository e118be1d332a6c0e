import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** Resolves once the database answers `SELECT 1` and has its migrations, or throws after `timeoutMs`. */
export async function waitForDatabase(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline && !signal?.aborted) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query(`SELECT 1 FROM schema_migrations LIMIT 1`);
      return;
    } catch (err) {
      last = err;
    } finally {
      await client.end().catch(() => {});
    }
    await sleep(250);
  }
  throw new Error(`the database at ${redact(url)} did not come up: ${(last as Error)?.message ?? 'aborted'}`);
}

/** Resolves once `url` answers HTTP (any status), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
