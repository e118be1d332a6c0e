import type { Queryable } from '../../pool';

export async function touchSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query(`UPDATE admin_sessions SET last_seen_at = now() WHERE token_hash = $1`, [tokenHash]);
}
