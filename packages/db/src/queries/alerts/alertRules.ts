import type { Queryable } from '../../pool';

export interface AlertRuleSettingsRow {
  alertname: string;
  enabled: boolean | null;
  for_seconds: number | null;
  threshold: number | null;
  window_seconds: number | null;
}

/** Edited settings of the rules (a rule nobody edited has no row: its defaults apply). */
export async function getAlertRuleSettings(db: Queryable): Promise<AlertRuleSettingsRow[]> {
  const { rows } = await db.query<AlertRuleSettingsRow>(
    `SELECT alertname, enabled, for_seconds, threshold, window_seconds FROM alert_rules`,
  );
  return rows;
}

/** Sets the given settings of one rule; an undefined field keeps its value. */
export async function updateAlertRule(
  db: Queryable,
  alertname: string,
  s: { enabled?: boolean; for_seconds?: number; threshold?: number; window_seconds?: number },
) {
  await db.query(
    `INSERT INTO alert_rules (alertname, enabled, for_seconds, threshold, window_seconds)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (alertname) DO UPDATE SET
       enabled = CASE WHEN $6 THEN EXCLUDED.enabled ELSE alert_rules.enabled END,
       for_seconds = coalesce(EXCLUDED.for_seconds, alert_rules.for_seconds),
       threshold = coalesce(EXCLUDED.threshold, alert_rules.threshold),
       window_seconds = coalesce(EXCLUDED.window_seconds, alert_rules.window_seconds),
       updated_at = now()`,
    [
      alertname,
      s.enabled ?? null,
      s.for_seconds ?? null,
      s.threshold ?? null,
      s.window_seconds ?? null,
      s.enabled !== undefined,
    ],
  );
}
