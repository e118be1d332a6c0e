import type { UserProfileResponse } from '@botpulse/protocol';
import type { Queryable } from '../../pool';

/** A person's profile and totals over every stored message; null when unknown (or deleted). */
export async function getUserProfile(db: Queryable, facebookId: string): Promise<UserProfileResponse | null> {
  const { rows } = await db.query<UserProfileResponse>(
    `SELECT u.facebook_id AS user_id, nullif(concat_ws(' ', u.first_name, u.last_name), '') AS name,
            to_char(u.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS first_seen,
            to_char(u.last_interaction AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_seen,
            s.messages, s.failures, s.avg_response_time_ms
       FROM users u
       CROSS JOIN LATERAL (
         SELECT count(*) AS messages, count(*) FILTER (WHERE c.status = 'failed') AS failures,
                round(avg(c.response_time_ms)::numeric, 3) AS avg_response_time_ms
           FROM conversations c WHERE c.facebook_id = u.facebook_id
       ) s
      WHERE u.facebook_id = $1`,
    [facebookId],
  );
  return rows[0] ?? null;
}
