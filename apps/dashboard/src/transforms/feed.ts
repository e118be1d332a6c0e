import type { FeedMessage } from '@botpulse/protocol';

export const FEED_CAPACITY = 50;

/**
 * The plan's CircularBuffer(50), made safe for a resumable stream: messages can arrive twice (the
 * snapshot and the replay after a reconnect overlap) and out of order (replay, several admins), so
 * the ring is keyed by the monotonic `id` and kept newest first.
 */
export function mergeFeed(
  existing: readonly FeedMessage[],
  incoming: readonly FeedMessage[],
  capacity: number = FEED_CAPACITY,
): FeedMessage[] {
  if (incoming.length === 0) return existing.slice(0, capacity);
  const byId = new Map<number, FeedMessage>();
  for (const message of existing) byId.set(message.id, message);
  // Later copies win: a replayed message may carry a reply the first copy did not have yet.
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, capacity);
}

/** Highest id in a list, or null when empty: the `since` to resume from. */
export function maxMessageId(messages: readonly FeedMessage[]): number | null {
  let max: number | null = null;
  for (const message of messages) if (max === null || message.id > max) max = message.id;
  return max;
}
