import type { TopUser } from '@botpulse/protocol';
import type { Queryable } from '../../pool';
import { type ActivityPlan, activityParams } from './types';

/** The most active users of an interval, with names and ids, a page at a time. */
export async function getTopUsers(
  db: Queryable,
  plan: ActivityPlan,
  limit: number,
  offset: number,
): Promise<TopUser[]> {
  const { rows } = await db.query<TopUser>(
    `WITH a AS (
       SELECT facebook_id, sum(messages) AS messages, max(last_seen) AS last_seen
         FROM activity_rows($1, $2, $3, $4, $5, $6, $7, $8) GROUP BY facebook_id
        ORDER BY messages DESC, last_seen DESC, facebook_id
        LIMIT $9 OFFSET $10
     )
     SELECT a.facebook_id AS user_id, nullif(concat_ws(' ', u.first_name, u.last_name), '') AS name,
            a.messages, to_char(a.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_seen
       FROM a LEFT JOIN users u USING (facebook_id)
      ORDER BY a.messages DESC, a.last_seen DESC, a.facebook_id`,
    [...activityParams(plan), limit, offset],
  );
  return rows;
}
