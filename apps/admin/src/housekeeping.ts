import { type Db, deleteExpiredSessions, deleteOldMessageText, deleteOldMetricSnapshots } from '@botpulse/db';
import type { Logger } from '@botpulse/runtime';
import type { AdminConfig } from './config';

const HOUR_MS = 3_600_000;

/**
 * The admin's hourly clean-up: expired sessions, metric snapshots past their retention and, when
 * RETENTION_DAYS is set, the text of messages older than that (once at start, then hourly).
 * `every` schedules a task and keeps its timer for the admin's stop().
 */
export async function startHousekeeping(
  db: Db,
  config: Pick<AdminConfig, 'sessionIdleSeconds' | 'metricsRetentionDays' | 'retentionDays'>,
  log: Logger,
  every: (ms: number, task: () => unknown) => unknown,
): Promise<void> {
  every(HOUR_MS, () => deleteExpiredSessions(db, config.sessionIdleSeconds));
  every(HOUR_MS, () => deleteOldMetricSnapshots(db, config.metricsRetentionDays));
  const days = config.retentionDays;
  if (!days) return;
  const purge = async () => {
    let n = 0;
    for (
      let batch = await deleteOldMessageText(db, days);
      batch > 0;
      batch = await deleteOldMessageText(db, days)
    )
      n += batch;
    if (n > 0) log.info({ rows: n, days }, 'retention: removed old message text');
  };
  await purge();
  every(HOUR_MS, purge);
}
