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
 * Who was active in an interval: how many and how many new from the user bitmaps (a user is new
 * when their first message ever falls in the interval), and a page of the most active (`sort`
 * messages, from the per-user rollup rows, each with their cost from the same rollups narrowed to
 * them) or the costliest (`sort` cost, Gemini cost of their replies, from the per-user rollup rows).
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
  const pageSql =
    sort === 'cost'
      ? `SELECT * FROM (
           SELECT facebook_id, sum(messages) AS messages, sum(cost_usd) AS cost_usd, max(last_seen) AS last_seen
             FROM activity_cost_rows($1, $2, $3, $4, $5, $6, $7, $8) GROUP BY facebook_id
         ) p ORDER BY ${order} LIMIT $9 OFFSET $10`
      : `SELECT t.*, (SELECT coalesce(sum(a.cost_usd), 0)
                         FROM activity_cost_rows($1, $2, $3, $4, $5, $6, $7, $8) a
                        WHERE a.facebook_id = t.facebook_id) AS cost_usd
           FROM top_active_users($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) t`;
  const { rows } = await db.query<UserActivityPage>(
    `WITH active AS MATERIALIZED (
       SELECT * FROM active_user_chunks($1, $2, $3, $4, $5, $6, $7, $8)
     ), page AS (
       ${pageSql}
     )
     SELECT (SELECT coalesce(sum(coalesce(bit_count(bits), 0) + unnumbered), 0) FROM active) AS users,
            (SELECT count(*)
               FROM users u
               LEFT JOIN user_numbers n USING (facebook_id)
               LEFT JOIN active a ON a.chunk = n.uid >> 13
              WHERE u.first_seen >= $7 AND u.first_seen < $8
                AND CASE WHEN n.uid IS NULL
                         -- not folded yet, so in no bitmap: from the raw rows
                         THEN EXISTS (SELECT 1 FROM conversations c WHERE c.facebook_id = u.facebook_id
                                         AND c."timestamp" >= $7 AND c."timestamp" < $8)
                         ELSE coalesce(get_bit(a.bits, n.uid & 8191) = 1, false) END) AS new_users,
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

/** How many users were active in an interval and how many of them were new, without the page. */
export async function getUserActivityCounts(
  db: Queryable,
  plan: ActivityPlan,
): Promise<Omit<UserActivityPage, 'top'>> {
  const { top: _top, ...counts } = await getUserActivityPage(db, plan, 0, 0);
  return counts;
}

/**
 * Names of users for a page computed elsewhere (the settled-days cache), in the page's order, in
 * the shape of UserActivityPage.top, with each user's Gemini cost over the plan's range: from their
 * rollup rows of the plan's cover, their queued rows and the raw edges (activity_cost_rows, narrowed
 * to the page's users), so a page costs a few dozen primary-key reads however many rows they have.
 */
export async function getTopUserNames(
  db: Queryable,
  page: Array<{ user_id: string; messages: number; last_seen: string }>,
  plan: ActivityPlan,
): Promise<TopUser[]> {
  if (page.length === 0) return [];
  const { rows } = await db.query<{ facebook_id: string; name: string | null; cost_usd: number }>(
    `WITH cost AS (
       SELECT a.facebook_id, sum(a.cost_usd) AS cost_usd
         FROM activity_cost_rows($2, $3, $4, $5, $6, $7, $8, $9) a
        WHERE a.facebook_id = ANY ($1::text[])
        GROUP BY a.facebook_id
     )
     SELECT u.facebook_id, nullif(concat_ws(' ', u.first_name, u.last_name), '') AS name,
            round(coalesce(c.cost_usd, 0), 12)::float8 AS cost_usd
       FROM users u LEFT JOIN cost c USING (facebook_id)
      WHERE u.facebook_id = ANY ($1::text[])`,
    [page.map((p) => p.user_id), ...activityParams(plan)],
  );
  const byId = new Map(rows.map((r) => [r.facebook_id, r]));
  return page.map((p) => ({
    user_id: p.user_id,
    name: byId.get(p.user_id)?.name ?? null,
    messages: p.messages,
    cost_usd: byId.get(p.user_id)?.cost_usd ?? 0,
    last_seen: p.last_seen,
  }));
}
