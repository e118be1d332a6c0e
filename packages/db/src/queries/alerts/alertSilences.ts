import type { Queryable } from '../../pool';

export interface AlertSilenceRow {
  id: number;
  alertname: string | null;
  until: Date;
  created_at: Date;
}

/** Silences that have not ended yet. */
export async function getActiveAlertSilences(db: Queryable): Promise<AlertSilenceRow[]> {
  const { rows } = await db.query<AlertSilenceRow>(
    `SELECT id, alertname, until, created_at FROM alert_silences WHERE until > now() ORDER BY until`,
  );
  return rows;
}

export async function insertAlertSilence(
  db: Queryable,
  alertname: string | null,
  until: Date,
  createdBy: string,
): Promise<AlertSilenceRow> {
  const { rows } = await db.query<AlertSilenceRow>(
    `INSERT INTO alert_silences (alertname, until, created_by) VALUES ($1, $2, $3)
     RETURNING id, alertname, until, created_at`,
    [alertname, until, createdBy],
  );
  return rows[0]!;
}

export async function deleteAlertSilence(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM alert_silences WHERE id = $1`, [id]);
  return (rowCount ?? 0) > 0;
}
