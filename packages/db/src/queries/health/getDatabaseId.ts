import type { Queryable } from '../../pool';

/**
 * Which database this is, the same for every connection to it and another for any copy that can
 * diverge from it: the random id migration 016 made, the cluster's system identifier and the
 * database's oid. A dump restored elsewhere, or a `CREATE DATABASE … TEMPLATE` clone, keeps the
 * first but not the other two; a streaming replica (read-only, the same data) keeps all three. A
 * file-level copy of a whole cluster (a volume snapshot, a copied embedded-database directory) run
 * as a second primary would keep all three too.
 */
export async function getDatabaseId(db: Queryable): Promise<string> {
  const read = async () =>
    (
      await db.query<{ id: string }>(
        `SELECT d.id::text || '/' || s.system_identifier::text || '/' || b.oid::text AS id
           FROM database_identity d, pg_control_system() s, pg_database b
          WHERE b.datname = current_database()`,
      )
    ).rows[0]?.id;
  const id = await read();
  if (id !== undefined) return id;
  // The row is gone (deleted by hand, or data restored without it): a new one, made once.
  await db.query('INSERT INTO database_identity DEFAULT VALUES ON CONFLICT DO NOTHING');
  return (await read())!;
}
