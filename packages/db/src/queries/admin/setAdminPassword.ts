import { type Db, withTransaction } from '../../pool';

/**
 * Sets a password and ends every session of that admin (a stolen session must not outlive a
 * password change), except `keepTokenHash` (the session that made the change). Creates the admin
 * when `createIfMissing` (the command-line reset). Returns false for an unknown username.
 */
export async function setAdminPassword(
  db: Db,
  username: string,
  passwordHash: string,
  options: { keepTokenHash?: string; createIfMissing?: boolean } = {},
): Promise<boolean> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: number }>(
      options.createIfMissing
        ? `INSERT INTO admin_users (username, password_hash) VALUES ($1, $2)
           ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, password_changed_at = now()
           RETURNING id`
        : `UPDATE admin_users SET password_hash = $2, password_changed_at = now() WHERE username = $1 RETURNING id`,
      [username, passwordHash],
    );
    const id = rows[0]?.id;
    if (id !== undefined) {
      await client.query(`DELETE FROM admin_sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2`, [
        id,
        options.keepTokenHash ?? null,
      ]);
      // The session that changed the password stays valid: move it past the change.
      if (options.keepTokenHash) {
        await client.query(`UPDATE admin_sessions SET created_at = now() WHERE token_hash = $1`, [
          options.keepTokenHash,
        ]);
      }
    }
    return id !== undefined;
  });
}
