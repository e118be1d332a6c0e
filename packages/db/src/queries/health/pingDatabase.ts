import type { Queryable } from '../../pool';

/** `SELECT 1`, timed: the database check of every health endpoint. */
export async function pingDatabase(db: Queryable): Promise<number> {
  const started = performance.now();
  await db.query('SELECT 1');
  return performance.now() - started;
}
