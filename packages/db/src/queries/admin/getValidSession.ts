import type { Queryable } from '../../pool';

export interface ValidSession {
  user_id: number;
  username: string;
  expires_at: Date;
  last_seen_at: Date;
}

/**
 * The session for a token, if it is neither past its absolute expiry, nor idle for longer than
 * `idleSeconds`, nor older than its admin's last password change.
 */
export async function getValidSession(
  db: Queryable,
  tokenHash: string,
  idleSeconds: number,
): Promise<ValidSession | undefined> {
  const { rows } = await db.query<ValidSession>(
    `SELECT s.user_id, u.username, s.expires_at, s.last_seen_at
       FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id
      WHERE s.token_hash = $1
        AND s.expires_at > now()
        AND s.last_seen_at > now() - make_interval(secs => $2)
        AND s.created_at >= u.password_changed_at`,
    [tokenHash, idleSeconds],
  );
  return rows[0];
}
