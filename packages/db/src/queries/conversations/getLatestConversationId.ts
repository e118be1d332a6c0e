import type { Queryable } from '../../pool';

export async function getLatestConversationId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: number }>(`SELECT coalesce(max(id), 0) AS id FROM conversations`);
  return rows[0]!.id;
}
