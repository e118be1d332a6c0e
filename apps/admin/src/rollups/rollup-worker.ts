import {
  backfillRollupZone,
  type Db,
  foldRollupQueue,
  getPendingRollupZones,
  getRollupLag,
  type RollupLag,
} from '@botpulse/db';
import type { Logger } from '@botpulse/runtime';

const BATCH = 5_000;

/**
 * Keeps the analytics rollups current: folds the queue of new conversations every second and
 * backfills time zones asked for the first time. Every admin runs one; the advisory lock makes
 * only one of them work at a time.
 */
export class RollupWorker {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private lagValue: RollupLag = { rows: 0, seconds: 0 };
  private lagCheckedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  start(intervalMs = 1_000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get lag(): RollupLag {
    return this.lagValue;
  }

  /** Folds until the queue is empty (or another process holds the lock), then backfills new zones. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while ((await foldRollupQueue(this.db, BATCH)) === BATCH) {
        // keep folding: a backlog (after an outage or a bulk import) drains at full speed
      }
      for (const tz of await getPendingRollupZones(this.db)) {
        const started = performance.now();
        await backfillRollupZone(this.db, tz);
        this.log.info(
          { tz, ms: Math.round(performance.now() - started) },
          'analytics rollups ready for a new time zone',
        );
      }
      if (Date.now() - this.lagCheckedAt > 5_000) {
        this.lagValue = await getRollupLag(this.db);
        this.lagCheckedAt = Date.now();
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'rollup folding failed; retrying');
    } finally {
      this.busy = false;
    }
  }
}
