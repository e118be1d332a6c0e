import type { Queryable } from '../../pool';
import { type ActivityPlan, activityParams } from './types';

/** How many distinct users were active in the interval. */
export async function getActiveUserCount(db: Queryable, plan: ActivityPlan): Promise<number> {
  const { rows } = await db.query<{ users: number }>(
    `SELECT count(*) AS users
       FROM (SELECT DISTINCT facebook_id FROM activity_rows($1, $2, $3, $4, $5, $6, $7, $8)) a`,
    activityParams(plan),
  );
  return rows[0]!.users;
}
