import { type ConversationFilterParams, conversationFilterQuery } from '@botpulse/protocol';

/** The explorer on exactly these rows: every drill-down link goes through here. */
export function explorerPath(filter: ConversationFilterParams): string {
  const q = conversationFilterQuery(filter);
  return q ? `/conversations?${q}` : '/conversations';
}

/** A person's transcript, opened at one message when `messageId` is given (its permalink). */
export function transcriptPath(userId: string, messageId?: number): string {
  const base = `/users/${encodeURIComponent(userId)}`;
  return messageId !== undefined ? `${base}?around=${messageId}#m${messageId}` : base;
}

/** The last hour up to now, as ISO instants (the Monitoring figures' window). */
export function lastHour(now = Date.now()): { from: string; to: string } {
  return { from: new Date(now - 3_600_000).toISOString(), to: new Date(now).toISOString() };
}
