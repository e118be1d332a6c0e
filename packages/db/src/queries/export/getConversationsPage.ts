import type { Queryable } from '../../pool';
import {
  type ConversationFilter,
  type ConversationKey,
  conversationConditions,
  keyInstant,
} from '../conversations/conversationFilter';

export interface ExportConversationRow {
  id: number;
  timestamp: Date;
  ts_us: number;
  user_id: string;
  user_name: string | null;
  kind: string;
  message_text: string | null;
  reply_text: string | null;
  response_time_ms: number;
  status: string;
  error: string | null;
  instance_id: string;
  /** Gemini usage and cost (null for a rule reply) */
  model: string | null;
  model_version: string | null;
  input_tokens: number | null;
  cached_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  finish_reason: string | null;
  block_reason: string | null;
  cost_usd: number | null;
  price_version: string | null;
  mid: string;
}

/**
 * One page of an export, in (timestamp, id) order after the key: keyset paging, no long
 * transaction. The rows are the explorer's for the same filter (one definition of the filter).
 */
export async function getConversationsPage(
  db: Queryable,
  filter: ConversationFilter,
  after: ConversationKey | null,
  limit: number,
): Promise<ExportConversationRow[]> {
  const params: unknown[] = [];
  const where = conversationConditions(filter, params);
  if (after) {
    params.push(after.tsUs, after.id);
    where.push(`(c."timestamp", c.id) > (${keyInstant(`$${params.length - 1}`)}, $${params.length}::bigint)`);
  }
  params.push(limit);
  const { rows } = await db.query<ExportConversationRow>(
    `SELECT c.id, c."timestamp", (extract(epoch FROM c."timestamp") * 1000000)::bigint AS ts_us,
            c.facebook_id AS user_id, nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name,
            c.kind, c.message_text, c.reply_text, c.response_time_ms, c.status, c.error, c.instance_id,
            c.model, c.model_version, c.input_tokens, c.cached_tokens, c.output_tokens, c.reasoning_tokens,
            c.finish_reason, c.block_reason, c.cost_usd, c.price_version, c.mid
       FROM conversations c JOIN users u ON u.facebook_id = c.facebook_id
      WHERE ${where.join(' AND ')}
      ORDER BY c."timestamp", c.id
      LIMIT $${params.length}`,
    params,
  );
  return rows;
}
