import type { Queryable } from '../../pool';

export interface AlertOutboxRow {
  id: number;
  channel_id: string;
  kind: 'firing' | 'resolved' | 'test';
  alertname: string | null;
  notification: unknown;
  created_at: Date;
  attempts: number;
}

/** Queues one notification for each channel (in the evaluator's transaction: never lost). */
export async function enqueueAlertNotifications(
  db: Queryable,
  channelIds: string[],
  kind: AlertOutboxRow['kind'],
  alertname: string | null,
  notification: unknown,
): Promise<number[]> {
  if (channelIds.length === 0) return [];
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO alert_outbox (channel_id, kind, alertname, notification)
     SELECT unnest($1::text[]), $2, $3, $4 RETURNING id`,
    [channelIds, kind, alertname, JSON.stringify(notification)],
  );
  return rows.map((r) => r.id);
}

/** Notifications due for an attempt, oldest first. */
export async function getDueAlertNotifications(db: Queryable, limit: number): Promise<AlertOutboxRow[]> {
  const { rows } = await db.query<AlertOutboxRow>(
    `SELECT id, channel_id, kind, alertname, notification, created_at, attempts
       FROM alert_outbox
      WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
      ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function markAlertNotificationDelivered(db: Queryable, id: number) {
  await db.query(
    `UPDATE alert_outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
    [id],
  );
}

/** A failed attempt: the next one after `retryInMs`, or none when `giveUp`. */
export async function markAlertNotificationFailed(
  db: Queryable,
  id: number,
  error: string,
  retryInMs: number,
  giveUp: boolean,
) {
  await db.query(
    `UPDATE alert_outbox SET attempts = attempts + 1, last_error = $2,
            next_attempt_at = now() + $3 * interval '1 millisecond',
            gave_up_at = CASE WHEN $4 THEN now() END
      WHERE id = $1`,
    [id, error, retryInMs, giveUp],
  );
}

/** When the next queued notification is due (the deliverer sleeps until then). */
export async function getNextAlertNotificationDue(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ due: Date | null }>(
    `SELECT min(next_attempt_at) AS due FROM alert_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL`,
  );
  return rows[0]?.due ?? null;
}
