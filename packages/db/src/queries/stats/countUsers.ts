import type { Queryable } from '../../pool';

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM users`);
  return rows[0]!.n;
}
