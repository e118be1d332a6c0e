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
 * when their first message ever falls in the interval), and a page of the most active from the
 * per-user rollup rows.
 */
export async function getUserActivityPage(
  db: Queryable,
  plan: ActivityPlan,
  limit: number,
  offset: number,
): Promise<UserActivityPage> {
  const { rows } = await db.query<UserActivityPage>(
    `WITH active AS MATERIALIZED (
       SELECT * FROM active_user_chunks($1, $2, $3, $4, $5, $6, $7, $8)
     ), page AS (
       SELECT * FROM top_active_users($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
                       'last_seen', to_char(p.last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                     ORDER BY p.messages DESC, p.last_seen DESC, p.facebook_id)
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
 * the shape of UserActivityPage.top.
 */
export async function getTopUserNames(
  db: Queryable,
  page: Array<{ user_id: string; messages: number; last_seen: string }>,
): Promise<TopUser[]> {
  if (page.length === 0) return [];
  const { rows } = await db.query<{ facebook_id: string; name: string | null }>(
    `SELECT facebook_id, nullif(concat_ws(' ', first_name, last_name), '') AS name
       FROM users WHERE facebook_id = ANY ($1::text[])`,
    [page.map((p) => p.user_id)],
  );
  const names = new Map(rows.map((r) => [r.facebook_id, r.name]));
  return page.map((p) => ({
    user_id: p.user_id,
    name: names.get(p.user_id) ?? null,
    messages: p.messages,
    last_seen: p.last_seen,
  }));
}
