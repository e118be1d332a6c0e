import type { Queryable } from '../../pool';
import { type ActivityPlan, activityParams } from './types';

export interface ActivitySummary {
  /** distinct users active in the interval */
  users: number;
  /** of them, users whose first message ever falls in the interval */
  new_users: number;
}

export async function getActivitySummary(db: Queryable, plan: ActivityPlan): Promise<ActivitySummary> {
  const { rows } = await db.query<ActivitySummary>(
    `WITH a AS (SELECT DISTINCT facebook_id FROM activity_rows($1, $2, $3, $4, $5, $6, $7, $8))
     SELECT count(*) AS users,
            count(*) FILTER (WHERE u.first_seen >= $7 AND u.first_seen < $8) AS new_users
       FROM a JOIN users u USING (facebook_id)`,
    activityParams(plan),
  );
  return rows[0]!;
}
