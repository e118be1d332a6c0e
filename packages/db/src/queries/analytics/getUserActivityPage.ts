import type { TopUser } from '@botpulse/protocol';
import type { Queryable } from '../../pool';
import { type ActivityPlan, activityParams } from './types';

export interface UserActivityPage {
  /** distinct users active in the interval */
  users: number;
  /** of them, users whose first message ever falls in the interval */
  new_users: number;
  /** one page of the most active users, with names and ids */
  top: TopUser[];
}

/**
 * Who was active in an interval, grouped once: how many, how many new, and a page of the most
 * active (`sort` messages) or costliest (`sort` cost, Gemini cost of their replies).
 */
export async function getUserActivityPage(
  db: Queryable,
  plan: ActivityPlan,
  limit: number,
  offset: number,
  sort: 'messages' | 'cost' = 'messages',
): Promise<UserActivityPage> {
  // one of two fixed orders (never text from the request)
  const order =
    sort === 'cost'
      ? 'p.cost_usd DESC, p.messages DESC, p.last_seen DESC, p.facebook_id'
      : 'p.messages DESC, p.last_seen DESC, p.facebook_id';
  const { rows } = await db.query<UserActivityPage>(
    `WITH a AS MATERIALIZED (
       SELECT facebook_id, sum(messages) AS messages, sum(cost_usd) AS cost_usd, max(last_seen) AS last_seen
         FROM activity_cost_rows($1, $2, $3, $4, $5, $6, $7, $8) GROUP BY facebook_id
     ), page AS (
       SELECT * FROM a p ORDER BY ${order} LIMIT $9 OFFSET $10
     )
     SELECT (SELECT count(*) FROM a) AS users,
            (SELECT count(*) FROM a JOIN users u USING (facebook_id)
              WHERE u.first_seen >= $7 AND u.first_seen < $8) AS new_users,
            coalesce((
              SELECT json_agg(json_build_object(
                       'user_id', p.facebook_id,
                       'name', nullif(concat_ws(' ', u.first_name, u.last_name), ''),
                       'messages', p.messages,
                       'cost_usd', round(p.cost_usd, 12)::float8,
                       'last_seen', to_char(p.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                     ORDER BY ${order})
                FROM page p LEFT JOIN users u USING (facebook_id)), '[]') AS top`,
    [...activityParams(plan), limit, offset],
  );
  return rows[0]!;
}
