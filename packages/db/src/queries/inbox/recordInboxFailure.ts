import type { Queryable } from '../../pool';

/**
 * Counts a failure of the event itself (not of the database: the caller decides) and keeps its
 * error; after too many the recovery gives up on it. Returns the attempts so far.
 */
export async function recordInboxFailure(db: Queryable, id: number, error: string): Promise<number> {
  const { rows } = await db.query<{ attempts: number }>(
    `UPDATE inbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1 RETURNING attempts`,
    [id, error.slice(0, 2000)],
  );
  return rows[0]?.attempts ?? 0;
}
