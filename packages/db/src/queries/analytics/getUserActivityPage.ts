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
       SELECT facebook_id, sum(messages) AS messages, max(last_seen) AS last_seen
         FROM activity_rows($1, $2, $3, $4, $5, $6, $7, $8) GROUP BY facebook_id
        ORDER BY messages DESC, last_seen DESC, facebook_id LIMIT $9 OFFSET $10
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
