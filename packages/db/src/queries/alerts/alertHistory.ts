import type { Queryable } from '../../pool';

export interface AlertHistoryRow {
  id: number;
  alertname: string;
  state: 'normal' | 'pending' | 'firing' | 'resolved';
  previous: 'normal' | 'pending' | 'firing' | 'resolved';
  at: Date;
  value: number | null;
  labels: Record<string, string>;
  summary: string | null;
  duration_seconds: number | null;
  silenced: boolean;
}

export async function insertAlertHistory(db: Queryable, h: Omit<AlertHistoryRow, 'id'>) {
  await db.query(
    `INSERT INTO alert_history (alertname, state, previous, at, value, labels, summary,
                                duration_seconds, silenced)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      h.alertname,
      h.state,
      h.previous,
      h.at,
      h.value,
      JSON.stringify(h.labels),
      h.summary,
      h.duration_seconds,
      h.silenced,
    ],
  );
}

/** Newest first; `beforeId` is the keyset cursor (the last id of the previous page). */
export async function getAlertHistoryPage(
  db: Queryable,
  limit: number,
  beforeId: number | null,
): Promise<AlertHistoryRow[]> {
  const { rows } = await db.query<AlertHistoryRow>(
    `SELECT id, alertname, state, previous, at, value, labels, summary, duration_seconds, silenced
       FROM alert_history WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
    [beforeId, limit],
  );
  return rows;
}
