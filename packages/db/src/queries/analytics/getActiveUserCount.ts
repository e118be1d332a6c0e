import type { Queryable } from '../../pool';
import { type ActivityPlan, activityParams } from './types';

/** How many distinct users were active in the interval (popcount of the cover's user bitmaps, plus the edges). */
export async function getActiveUserCount(db: Queryable, plan: ActivityPlan): Promise<number> {
  const { rows } = await db.query<{ users: number }>(
    `SELECT active_user_count($1, $2, $3, $4, $5, $6, $7, $8) AS users`,
    activityParams(plan),
  );
  return Number(rows[0]!.users);
}

/** A range's distinct users with the rollup version, read in one snapshot. */
export async function getVersionedUserCount(
  db: Queryable,
  plan: ActivityPlan,
): Promise<{ users: number; version: number }> {
  const { rows } = await db.query<{ users: number; version: number }>(
    `SELECT active_user_count($1, $2, $3, $4, $5, $6, $7, $8) AS users,
            (SELECT version FROM rollup_version) AS version`,
    activityParams(plan),
  );
  return { users: Number(rows[0]!.users), version: Number(rows[0]!.version) };
}
