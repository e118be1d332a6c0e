import type { Queryable } from '../../pool';
import type { Interval } from './types';

/** Distinct users per interval straight from the raw rows (hours, or a zone not yet rolled up). */
export async function getBucketUsersRaw(db: Queryable, buckets: Interval[]): Promise<number[]> {
  if (buckets.length === 0) return [];
  const { rows } = await db.query<{ i: number; users: number }>(
    `SELECT b.i::int AS i, count(DISTINCT c.facebook_id) AS users
       FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS b(s, e, i)
       JOIN conversations c ON c."timestamp" >= b.s AND c."timestamp" < b.e
      GROUP BY b.i`,
    [buckets.map((b) => b.start), buckets.map((b) => b.end)],
  );
  const users = new Array<number>(buckets.length).fill(0);
  for (const r of rows) users[r.i - 1] = r.users;
  return users;
}
