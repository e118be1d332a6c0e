import type { DbClient } from './pool';

/**
 * What a bulk write into a table drops so as not to maintain it row by row (PostgreSQL's
 * "Populating a Database"): returns the statements that put it back, to run later in the same
 * transaction (a rollback restores everything anyway).
 * - 'secondary indexes': every index but the unique and primary ones (ON CONFLICT needs those);
 * - 'all indexes': every index, those behind a constraint (the primary key) with their constraint;
 * - 'foreign keys': the table's foreign keys (validated in one join when added back).
 */
export async function dropForBulk(
  client: DbClient,
  table: string,
  what: 'secondary indexes' | 'all indexes' | 'foreign keys',
): Promise<string[]> {
  const { rows } = await client.query<{ name: string; def: string; key: string | null }>(
    what === 'foreign keys'
      ? `SELECT quote_ident(conname) AS name, NULL AS def, pg_get_constraintdef(oid) AS key
           FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY 1`
      : `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def,
                pg_get_constraintdef(c.oid) AS key
           FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
          WHERE i.indrelid = $1::regclass AND ($2 OR NOT (i.indisunique OR i.indisprimary)) ORDER BY 1`,
    what === 'foreign keys' ? [table] : [table, what === 'all indexes'],
  );
  const restore: string[] = [];
  for (const r of rows) {
    await client.query(
      r.key === null ? `DROP INDEX ${r.name}` : `ALTER TABLE ${table} DROP CONSTRAINT ${r.name}`,
    );
    restore.push(r.key === null ? r.def! : `ALTER TABLE ${table} ADD CONSTRAINT ${r.name} ${r.key}`);
  }
  return restore;
}
