import type { Queryable } from '../../pool';
import { type ActivityPlan, activityParams } from './types';

/**
 * Messages and last message per active user of a plan, with the rollup version of the same snapshot
 * and the database's clock (the fold decides by it which rows move the version).
 */
export interface ActivitySums {
  version: number;
  /** the database's now(), epoch ms */
  nowMs: number;
  /** the start of the database's local today in the plan's zone (its own time-zone rules), epoch ms */
  dayStartMs: number;
  ids: string[];
  messages: number[];
  /** epoch microseconds of each user's last message */
  lastUs: number[];
}

export async function getActivitySums(db: Queryable, plan: ActivityPlan): Promise<ActivitySums> {
  const { rows } = await db.query<{
    version: string;
    now_ms: string;
    day_ms: string;
    ids: string[];
    messages: string[];
    last_us: string[];
  }>(
    `SELECT version::text, (extract(epoch FROM now()) * 1000)::float8::text AS now_ms,
            (extract(epoch FROM date_trunc('day', now(), $1)) * 1000)::float8::text AS day_ms,
            ids, messages::text[], last_us::text[]
       FROM activity_sums($1, $2, $3, $4, $5, $6, $7, $8)`,
    activityParams(plan),
  );
  const r = rows[0]!;
  return {
    version: Number(r.version),
    nowMs: Number(r.now_ms),
    dayStartMs: Number(r.day_ms),
    ids: r.ids,
    messages: r.messages.map(Number),
    lastUs: r.last_us.map(Number),
  };
}
