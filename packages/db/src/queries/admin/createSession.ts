import type { Queryable } from '../../pool';

export async function createSession(
  db: Queryable,
  session: { tokenHash: string; userId: number; expiresAt: Date },
): Promise<void> {
  await db.query(`INSERT INTO admin_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, [
    session.tokenHash,
    session.userId,
    session.expiresAt,
  ]);
}
