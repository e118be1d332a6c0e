import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * Waits until the database server has finished the previous case's work, so that one case does
 * not tax the next (issue #19: the dashboard case ran while the server was still busy with the 10M
 * load): a CHECKPOINT writes the dirty buffers now, then no backend of a benchmark database and no
 * autovacuum worker may be active for two polls in a row. Gives up after `timeoutMs` (other
 * engineers' work on a shared machine is not ours to wait for) and says so.
 */
export async function waitForQuietDatabase(serverUrl: string, timeoutMs = 120_000): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const started = performance.now();
  try {
    await client.query('CHECKPOINT');
    let quietPolls = 0;
    while (quietPolls < 2) {
      const { rows } = await client.query<{ busy: string }>(
        `SELECT count(*)::text AS busy FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle'
            AND (backend_type = 'autovacuum worker'
                 OR (backend_type = 'client backend' AND datname LIKE 'botpulse_bench%'))`,
      );
      quietPolls = rows[0]!.busy === '0' ? quietPolls + 1 : 0;
      if (performance.now() - started > timeoutMs) {
        console.log(`  (the database was still busy after ${timeoutMs / 1000} s; going on)`);
        return;
      }
      await sleep(500);
    }
    const waited = performance.now() - started;
    if (waited > 2_000) console.log(`  waited ${(waited / 1000).toFixed(0)} s for a quiet database`);
  } finally {
    await client.end();
  }
}
