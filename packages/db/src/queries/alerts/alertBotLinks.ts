import type { Queryable } from '../../pool';

export interface AlertBotLinkRow {
  admin_id: string;
  instance_id: string;
  status: string;
  health: unknown;
}

/**
 * Replaces what one admin reports: the bot instances linked to it right now with their health.
 * Every admin writes its own rows, so the evaluator (on any admin) knows every admin's bots.
 */
export async function reportAlertBotLinks(
  db: Queryable,
  adminId: string,
  links: Array<{ instance_id: string; status: string; health: unknown }>,
) {
  await db.query(
    `WITH gone AS (DELETE FROM alert_bot_links WHERE admin_id = $1 AND NOT (instance_id = ANY($2::text[]))),
          me AS (INSERT INTO alert_admins (admin_id, reported_at) VALUES ($1, now())
                 ON CONFLICT (admin_id) DO UPDATE SET reported_at = now())
     INSERT INTO alert_bot_links (admin_id, instance_id, status, health, reported_at)
     SELECT $1, i, s, h, now() FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS t(i, s, h)
     ON CONFLICT (admin_id, instance_id) DO UPDATE SET status = EXCLUDED.status,
       health = EXCLUDED.health, reported_at = now()`,
    [
      adminId,
      links.map((l) => l.instance_id),
      links.map((l) => l.status),
      links.map((l) => JSON.stringify(l.health)),
    ],
  );
}

/** Links reported by admins that reported within `freshMs` (a stopped admin's rows are ignored). */
export async function getAlertBotLinks(db: Queryable, freshMs: number): Promise<AlertBotLinkRow[]> {
  const { rows } = await db.query<AlertBotLinkRow>(
    `SELECT l.admin_id, l.instance_id, l.status, l.health
       FROM alert_bot_links l JOIN alert_admins a USING (admin_id)
      WHERE a.reported_at > now() - $1 * interval '1 millisecond'`,
    [freshMs],
  );
  return rows;
}

/** A stopping admin takes its bots off the list at once. */
export async function forgetAlertAdmin(db: Queryable, adminId: string) {
  await db.query(
    `WITH l AS (DELETE FROM alert_bot_links WHERE admin_id = $1) DELETE FROM alert_admins WHERE admin_id = $1`,
    [adminId],
  );
}
