import type { Queryable } from '../../pool';

export interface AlertChannelConfig {
  url?: string;
  to?: string;
  from?: string;
  smtp_url?: string;
}

export interface AlertChannelRow {
  id: string;
  type: 'webhook' | 'slack' | 'discord' | 'teams' | 'email';
  name: string;
  config: AlertChannelConfig;
  source: 'env' | 'api';
  created_at: Date;
  last_delivery_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  failures: number;
  pending: number;
}

/** Every channel with the number of its notifications still waiting for delivery. */
export async function getAlertChannels(db: Queryable): Promise<AlertChannelRow[]> {
  const { rows } = await db.query<AlertChannelRow>(
    `SELECT c.id, c.type, c.name, c.config, c.source, c.created_at, c.last_delivery_at, c.last_error,
            c.last_error_at, c.failures,
            (SELECT count(*) FROM alert_outbox o
              WHERE o.channel_id = c.id AND o.delivered_at IS NULL AND o.gave_up_at IS NULL) AS pending
       FROM alert_channels c ORDER BY c.created_at, c.id`,
  );
  return rows;
}

export async function insertAlertChannel(
  db: Queryable,
  c: Pick<AlertChannelRow, 'id' | 'type' | 'name' | 'config' | 'source'>,
) {
  await db.query(
    `INSERT INTO alert_channels (id, type, name, config, source) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, name = EXCLUDED.name, config = EXCLUDED.config`,
    [c.id, c.type, c.name, JSON.stringify(c.config), c.source],
  );
}

/** Channels configured from an environment that no longer names them are removed. */
export async function deleteEnvAlertChannelsExcept(db: Queryable, keep: string[]) {
  await db.query(`DELETE FROM alert_channels WHERE source = 'env' AND NOT (id = ANY($1::text[]))`, [keep]);
}

export async function deleteAlertChannel(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM alert_channels WHERE id = $1`, [id]);
  return (rowCount ?? 0) > 0;
}

export async function recordAlertDelivery(db: Queryable, id: string) {
  await db.query(`UPDATE alert_channels SET last_delivery_at = now() WHERE id = $1`, [id]);
}

export async function recordAlertDeliveryError(db: Queryable, id: string, error: string) {
  await db.query(
    `UPDATE alert_channels SET last_error = $2, last_error_at = now(), failures = failures + 1 WHERE id = $1`,
    [id, error],
  );
}
