import { type ActivityPlan, type Db, getAddedUsers, getVersionedUserCount } from '@botpulse/db';

interface Counted {
  version: number;
  /** the end the count was taken for (ms) */
  endMs: number;
  users: number;
}

/** Ranges (by zone and start) whose last count is kept. */
const CACHED_RANGES = 16;
/** A count is carried forward at most this far; beyond, the range is counted afresh. */
const MAX_STEP_MS = 3_600_000;

/**
 * Distinct users of a range in the past whose end moves forward with the clock: the overview's
 * previous period, which ends "as far into it as now is into the current one". Counted from the
 * bitmaps, its last partial day comes from the raw rows, so its cost grew with the hour of the day
 * (10M rows: 1.5 ms at midnight, 51 ms at 23:45). Exact, like the count: the last count is kept
 * and each request adds only the users first seen since its end, as long as nothing before that
 * end can have changed (same rollup version, nothing queued there, and old enough that a late row
 * would bump the version when folded); otherwise it counts afresh.
 */
export class PastRangeUsers {
  private readonly counts = new Map<string, Counted>();

  constructor(private readonly db: Db) {}

  async count(plan: ActivityPlan): Promise<number> {
    const key = `${plan.tz} ${plan.start.toISOString()}`;
    const endMs = plan.end.getTime();
    const last = this.counts.get(key);
    if (last && last.endMs <= endMs && endMs - last.endMs <= MAX_STEP_MS) {
      const step = await getAddedUsers(this.db, plan.start, new Date(last.endMs), plan.end);
      if (step.version === last.version && !step.queued && step.settled) {
        const users = last.users + step.added;
        this.remember(key, { version: last.version, endMs, users });
        return users;
      }
    }
    const fresh = await getVersionedUserCount(this.db, plan);
    this.remember(key, { version: fresh.version, endMs, users: fresh.users });
    return fresh.users;
  }

  private remember(key: string, c: Counted): void {
    this.counts.delete(key);
    this.counts.set(key, c);
    if (this.counts.size > CACHED_RANGES) this.counts.delete(this.counts.keys().next().value!);
  }
}
