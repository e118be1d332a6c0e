import { type Db, getConversationsAfter, getRecentConversations } from '@botpulse/db';
import type { FeedMessage } from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';

const PAGE = 500;
const RECENT = 50;
const MIN_GAP_MS = 25;
/** how long a deleted user's reported messages are read back rather than taken as they came */
const FORGET_MS = 60_000;

/**
 * The live feed follows the conversations table by id (ids grow in commit order, so nothing is
 * skipped) and hands each new message to `emit` in order. Bots report what they stored: a report
 * whose messages are the very next ids is emitted as it came (`offer`), anything else (a gap,
 * another bot's messages in between, a report of ids only) pokes a read of the rows after the last
 * id emitted. A slow poll covers messages from bots connected to another admin. While no
 * dashboard watches the live feed, reports are ignored and only the slow poll keeps the position
 * and the last 50 current: a subscriber's replay goes up to `lastId`, so the first report after it
 * arrives carries on from there without a gap.
 *
 * A report is trusted for its ids: only reports of bots that showed they write to this database
 * reach `offer` (sockets/bots.ts).
 */
export class FeedTail {
  private lastIdValue = 0;
  private recentMessages: FeedMessage[] = [];
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  /** when the oldest poke not yet served arrived */
  private pokedAt = 0;
  /** ms from a bot's report of a message to its emission here, last value (meta-monitoring) */
  lagMs = 0;
  /** users whose data was deleted lately (by this admin or another): their reports are read back */
  private readonly forgotten = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly emit: (m: FeedMessage) => void,
    private readonly log: Logger,
    private readonly watched: () => boolean = () => true,
  ) {}

  async start(pollMs = 1_000): Promise<void> {
    // One read: the newest message is where the tail starts (every conversation has its user row).
    this.recentMessages = await getRecentConversations(this.db, RECENT);
    this.lastIdValue = this.recentMessages[0]?.id ?? 0;
    this.timer = setInterval(() => this.poke(true), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** id of the last message emitted: a subscriber that has seen it is up to date */
  get lastId(): number {
    return this.lastIdValue;
  }

  /** newest first */
  get recent(): FeedMessage[] {
    return this.recentMessages;
  }

  /** A user's data was deleted: their messages must not stay on the Monitoring page either. */
  forgetUser(userId: string): void {
    this.recentMessages = this.recentMessages.filter((m) => m.user_id !== userId);
    const now = performance.now();
    for (const [id, at] of this.forgotten) if (now - at > FORGET_MS) this.forgotten.delete(id);
    this.forgotten.set(userId, now);
  }

  /** a user whose data was deleted within FORGET_MS (older entries are let go here) */
  private deletedLately(userId: string): boolean {
    const at = this.forgotten.get(userId);
    if (at === undefined) return false;
    if (performance.now() - at <= FORGET_MS) return true;
    this.forgotten.delete(userId);
    return false;
  }

  /**
   * A bot reported these messages, stored and in id order. Those already emitted are dropped; the
   * rest are emitted here when they are the very next ids, one after the other, so that no row is
   * read back. Otherwise (a gap: another bot's messages, an id skipped by a rollback, a read of
   * the table running now, or a message of a user deleted lately, which may be gone or may be
   * new) the rows are read, as for a poke: the table has exactly the messages that remain.
   */
  offer(messages: FeedMessage[]): void {
    if (!this.watched()) return;
    let start = 0;
    while (start < messages.length && messages[start]!.id <= this.lastIdValue) start++;
    if (start === messages.length) return;
    let follows = !this.running;
    for (let i = start; follows && i < messages.length; i++)
      follows =
        messages[i]!.id === this.lastIdValue + 1 + (i - start) &&
        (this.forgotten.size === 0 || !this.deletedLately(messages[i]!.user_id));
    if (!follows) {
      this.poke();
      return;
    }
    for (let i = start; i < messages.length; i++) {
      const m = messages[i]!;
      this.lastIdValue = m.id;
      this.recentMessages.unshift(m);
      this.emit(m);
    }
    if (this.recentMessages.length > RECENT) this.recentMessages.length = RECENT;
    this.lagMs = 0;
  }

  /** A bot reported a stored message (or the slow poll ticked: `fromPoll`). */
  poke(fromPoll = false): void {
    if (!fromPoll) {
      if (!this.watched()) return;
      if (this.pokedAt === 0) this.pokedAt = performance.now();
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    const started = performance.now();
    void this.drain().finally(() => {
      if (!this.again) {
        this.running = false;
        return;
      }
      // Under heavy traffic every message pokes: read at most every MIN_GAP_MS, many rows at a
      // time, rather than one query per message (well inside the live-latency budget).
      this.again = false;
      const wait = Math.max(0, MIN_GAP_MS - (performance.now() - started));
      setTimeout(() => {
        this.running = false;
        this.poke(true);
      }, wait);
    });
  }

  private async drain() {
    const pokedAt = this.pokedAt;
    this.pokedAt = 0;
    try {
      for (;;) {
        const rows = await getConversationsAfter(this.db, { afterId: this.lastIdValue, limit: PAGE });
        for (const m of rows) {
          this.lastIdValue = m.id;
          this.recentMessages.unshift(m);
          this.emit(m);
        }
        if (this.recentMessages.length > RECENT) this.recentMessages.length = RECENT;
        if (rows.length < PAGE) break;
      }
      if (pokedAt > 0) this.lagMs = performance.now() - pokedAt;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'feed tail query failed; retrying on the next poll');
    }
  }
}
