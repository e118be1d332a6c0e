import type { Queryable } from '../../pool';

/** Keeps the claim on events still being worked on, so no other instance takes them over. */
export async function renewInboxClaims(db: Queryable, instanceId: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE inbox SET claimed_at = now() WHERE id = ANY ($2::bigint[]) AND claimed_by = $1 AND processed_at IS NULL`,
    [instanceId, ids],
  );
}
