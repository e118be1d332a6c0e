import type { Queryable } from '../../pool';

/** Seeds the first admin; does nothing once any admin exists. Returns whether it created one. */
export async function createAdminUserIfNone(
  db: Queryable,
  username: string,
  passwordHash: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO admin_users (username, password_hash)
     SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM admin_users)
     ON CONFLICT (username) DO NOTHING`,
    [username, passwordHash],
  );
  return (rowCount ?? 0) > 0;
}
