export type ConversationStatus = 'replied' | 'not_sent' | 'failed';
export type MessageKind = 'text' | 'attachment' | 'postback' | 'quick_reply';
export const MESSAGE_KINDS: MessageKind[] = ['text', 'attachment', 'postback', 'quick_reply'];

/** One processed user message as the bot emits it (`message:processed`, SSE `message`). */
export interface ProcessedMessage {
  /** conversations.id: monotonic in commit order, the feed's resume point */
  id: number;
  mid: string;
  user_id: string;
  user_name: string | null;
  message_text: string;
  reply_text: string | null;
  kind: MessageKind;
  /** Meta's event time, ISO 8601 */
  timestamp: string;
  /** ms, from webhook receipt to the reply sent */
  response_time: number;
  status: ConversationStatus;
  instance_id: string;
}

/** `message:new` data on the dashboard socket (DESIGN.md) */
export interface FeedMessage {
  id: number;
  user_id: string;
  user_name: string | null;
  message_text: string;
  reply_text: string | null;
  timestamp: string;
  response_time: number;
  instance_id: string;
  status: ConversationStatus;
  kind: MessageKind;
}

/** Exactly the live feed's fields of a message (a ProcessedMessage also carries its mid). */
export function toFeedMessage(m: FeedMessage): FeedMessage {
  return {
    id: m.id,
    user_id: m.user_id,
    user_name: m.user_name,
    message_text: m.message_text,
    reply_text: m.reply_text,
    timestamp: m.timestamp,
    response_time: m.response_time,
    instance_id: m.instance_id,
    status: m.status,
    kind: m.kind,
  };
}

/**
 * A user's name as the live feed shows it, from the stored profile: the database's
 * `nullif(concat_ws(' ', first_name, last_name), '')` (FEED_COLUMNS), so a message the bot reports
 * reads the same as the row read back.
 */
export function feedUserName(firstName: string | null, lastName: string | null): string | null {
  const name =
    firstName !== null && lastName !== null ? `${firstName} ${lastName}` : (firstName ?? lastName ?? '');
  return name === '' ? null : name;
}

export type FailureStage = 'profile' | 'generate' | 'send' | 'store';

/** `error:occurred`: a failed reply or dependency call. No message text or names in here. */
export interface ErrorEvent {
  instance_id: string;
  stage: FailureStage;
  dependency: 'facebook' | 'gemini' | 'database';
  message: string;
  code?: string | number;
  mid?: string;
  at: string;
}
