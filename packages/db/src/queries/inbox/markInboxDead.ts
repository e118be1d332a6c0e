import type { Queryable } from '../../pool';

/** Gives up on an event that failed too often; it stays in the inbox with its error for inspection. */
export async function markInboxDead(db: Queryable, id: number, error: string): Promise<void> {
  await db.query(`UPDATE inbox SET processed_at = now(), last_error = $2 WHERE id = $1`, [
    id,
    error.slice(0, 2000),
  ]);
}
