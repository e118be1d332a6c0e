import type { Queryable } from '../../pool';

export interface StoredProfile {
  facebook_id: string;
  first_name: string | null;
  last_name: string | null;
  profile_fetched_at: Date | null;
}

export async function getUserProfiles(db: Queryable, ids: string[]): Promise<StoredProfile[]> {
  const { rows } = await db.query<StoredProfile>(
    `SELECT facebook_id, first_name, last_name, profile_fetched_at FROM users WHERE facebook_id = ANY ($1::text[])`,
    [ids],
  );
  return rows;
}
