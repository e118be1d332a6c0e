import type { Queryable } from '../../pool';

/** Drops inbox events that need no answer (late duplicates of answered messages). */
export async function deleteInboxEvents(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.query(`DELETE FROM inbox WHERE id = ANY ($1::bigint[])`, [ids]);
}
