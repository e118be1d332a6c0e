import type { Queryable } from '../../pool';

/**
 * Takes or renews the named lease for `holder` when it is free, expired or already ours; true when
 * `holder` holds it afterwards. One evaluator at a time across admins without a session lock.
 */
export async function acquireAlertLease(db: Queryable, name: string, holder: string, ttlMs: number) {
  const { rows } = await db.query<{ holder: string }>(
    `INSERT INTO alert_lease (name, holder, expires_at)
     VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE alert_lease.holder = EXCLUDED.holder OR alert_lease.expires_at < now()
     RETURNING holder`,
    [name, holder, ttlMs],
  );
  return rows[0]?.holder === holder;
}

/** Gives the lease up at once (a clean stop), so another admin takes over without waiting. */
export async function releaseAlertLease(db: Queryable, name: string, holder: string) {
  await db.query(`DELETE FROM alert_lease WHERE name = $1 AND holder = $2`, [name, holder]);
}
