import type { DbClient, Queryable } from '../../pool';

export interface AlertStateRow {
  alertname: string;
  state: 'normal' | 'pending' | 'firing' | 'resolved';
  since: Date;
  active_since: Date | null;
  firing_since: Date | null;
  value: number | null;
  labels: Record<string, string>;
  summary: string | null;
  notified: boolean;
  last_notified_at: Date | null;
}

export async function getAlertStates(db: Queryable): Promise<AlertStateRow[]> {
  const { rows } = await db.query<AlertStateRow>(
    `SELECT alertname, state, since, active_since, firing_since, value, labels, summary, notified,
            last_notified_at
       FROM alert_states`,
  );
  return rows;
}

/** Writes one rule's state (the evaluator holds the lease; call inside its transaction). */
export async function saveAlertState(db: Queryable | DbClient, s: AlertStateRow) {
  await db.query(
    `INSERT INTO alert_states (alertname, state, since, active_since, firing_since, value, labels,
                               summary, notified, last_notified_at, evaluated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
     ON CONFLICT (alertname) DO UPDATE SET state = $2, since = $3, active_since = $4,
       firing_since = $5, value = $6, labels = $7, summary = $8, notified = $9,
       last_notified_at = $10, evaluated_at = now()`,
    [
      s.alertname,
      s.state,
      s.since,
      s.active_since,
      s.firing_since,
      s.value,
      JSON.stringify(s.labels),
      s.summary,
      s.notified,
      s.last_notified_at,
    ],
  );
}
