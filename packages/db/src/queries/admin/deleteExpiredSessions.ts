import type { Queryable } from '../../pool';

export async function deleteExpiredSessions(db: Queryable, idleSeconds: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM admin_sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1)`,
    [idleSeconds],
  );
  return rowCount ?? 0;
}
