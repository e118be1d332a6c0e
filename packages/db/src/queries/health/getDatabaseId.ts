import type { Queryable } from '../../pool';

/** This database's id (migration 016): the same for every connection to it, another for any other. */
export async function getDatabaseId(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ id: string }>('SELECT id::text AS id FROM database_identity');
  return rows[0]!.id;
}
