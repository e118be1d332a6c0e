import type { Queryable } from '../../pool';

export interface AdminUserRow {
  id: number;
  username: string;
  password_hash: string;
  password_changed_at: Date;
}

export async function getAdminUserByName(db: Queryable, username: string): Promise<AdminUserRow | undefined> {
  const { rows } = await db.query<AdminUserRow>(
    `SELECT id, username, password_hash, password_changed_at FROM admin_users WHERE username = $1`,
    [username],
  );
  return rows[0];
}
