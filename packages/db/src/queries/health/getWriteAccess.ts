import type { Queryable } from '../../pool';

/**
 * Whether this connection may write: a standby (after a failover) or a database set to
 * `default_transaction_read_only` answers `SELECT 1` happily but refuses every insert.
 */
export async function getWriteAccess(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ read_only: string }>(
    `SELECT current_setting('transaction_read_only') AS read_only`,
  );
  return rows[0]?.read_only !== 'on';
}
