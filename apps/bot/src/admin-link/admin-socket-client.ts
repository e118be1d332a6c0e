import {
  type AdminToBotEvents,
  BOTS_NAMESPACE,
  type BotAuth,
  type BotToAdminEvents,
  type FeedMessage,
  PROCESSED_FLUSH_MAX_MS,
  type ProcessedBatch,
} from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';
import { io, type Socket } from 'socket.io-client';

type EventName = keyof BotToAdminEvents;
type Payload<E extends EventName> = Parameters<BotToAdminEvents[E]>[0];
interface Buffered {
  event: EventName;
  data: unknown;
}

/**
 * How long processed messages are gathered before they go to the admin as one
 * `messages:processed` (well inside the protocol's 100 ms, and short next to the live feed's
 * latency budget): one socket frame per flush instead of one per message.
 */
const PROCESSED_FLUSH_MS = Math.min(20, PROCESSED_FLUSH_MAX_MS);
/** A batch this large goes at once (bounded frames and memory however fast messages come). */
const PROCESSED_MAX_BATCH = 1000;
/**
 * ...and no batch's estimate passes this: 6 bytes for each UTF-16 unit of its texts (what JSON
 * makes of a control character; any other character takes at most that) plus the fields, so that
 * a frame stays under the 1 MB a Socket.io server accepts in one (maxHttpBufferSize, by default).
 * A message whose estimate alone passes it is reported by id only (the admin reads its row).
 */
const PROCESSED_MAX_ESTIMATE = 768 * 1024;
const estimate = (m: FeedMessage) =>
  6 * (m.message_text.length + (m.reply_text?.length ?? 0) + (m.user_name?.length ?? 0) + m.user_id.length) +
  300;

export interface AdminLinkStats {
  connected: boolean;
  reconnects: number;
  buffered: number;
  dropped: number;
}

/**
 * The bot's Socket.io link to the admin (plan 2.1.3), namespace /bots. Processed messages are
 * coalesced into one `messages:processed` per flush (every PROCESSED_FLUSH_MS while there is
 * traffic); any other event flushes them first, so the admin sees everything in order. While the
 * admin is unreachable, events wait in a bounded buffer (oldest dropped first, and counted) and
 * are sent in order on reconnect (processed messages as ids only: the admin reads those rows); only
 * the latest metrics snapshot is kept, older ones are superseded. The buffer's bound and its `buffered`/`dropped` figures count messages, not frames:
 * a buffered batch of 50 messages is 50.
 */
export class AdminSocketClient {
  private readonly socket: Socket<AdminToBotEvents, BotToAdminEvents>;
  private readonly buffer: Buffered[] = [];
  /** messages (and other events) in `buffer` */
  private bufferedCount = 0;
  /** processed messages not flushed yet */
  private pending: FeedMessage[] = [];
  private pendingEstimate = 0;
  private pendingTimer: NodeJS.Timeout | undefined;
  private stats = { reconnects: 0, dropped: 0 };
  /** told how long each flush of processed messages took (ns): monitoring cost, counted live */
  onFlushTime: (ns: number) => void = () => {};
  private everConnected = false;
  private refusedTimer: NodeJS.Timeout | undefined;

  constructor(
    adminUrl: string,
    auth: BotAuth,
    private readonly log: Logger,
    private readonly maxBuffered = 10_000,
    private readonly flushMs = PROCESSED_FLUSH_MS,
  ) {
    this.socket = io(adminUrl + BOTS_NAMESPACE, {
      auth,
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
    this.socket.on('connect', () => {
      if (this.everConnected) this.stats.reconnects++;
      this.everConnected = true;
      this.log.info({ adminUrl }, 'connected to admin');
      this.flush();
    });
    this.socket.on('disconnect', (reason) => this.log.warn({ reason }, 'admin link down'));
    // A deleted user's messages not reported yet are not reported (the rows are gone): the ids
    // left have a gap, so the admin reads the rows rather than showing what was deleted.
    this.socket.on('user:deleted', (d) => {
      if (typeof d?.user_id === 'string') this.forgetUser(d.user_id);
    });
    this.socket.on('connect_error', (err) => {
      // A refusal by the admin's middleware stops socket.io's own retries: keep trying slowly.
      if (!this.socket.active) {
        this.log.error(
          { err: err.message },
          'admin refused the bot (check INTERNAL_SECRET); retrying in 10 s',
        );
        clearTimeout(this.refusedTimer);
        this.refusedTimer = setTimeout(() => this.socket.connect(), 10_000);
        this.refusedTimer.unref();
      }
    });
  }

  /**
   * `user:deleted` from the admin, and every reconnect after the first connect (a deletion may
   * have been broadcast while the link was down): either way the bot recounts from the rows.
   */
  onCountsStale(handler: (reason: string) => void): void {
    this.socket.on('user:deleted', () => handler('user:deleted'));
    this.socket.on('connect', () => {
      if (this.stats.reconnects > 0) handler('reconnected');
    });
  }

  /**
   * A message was stored and answered: reported in the next `messages:processed`, with its feed
   * fields (exactly those: toFeedMessage()), so the admin can show it without reading it back.
   */
  processed(m: FeedMessage): void {
    const size = estimate(m);
    if (size > PROCESSED_MAX_ESTIMATE) {
      this.flushProcessed();
      this.send('messages:processed', { ids: [m.id] });
      return;
    }
    if (this.pendingEstimate + size > PROCESSED_MAX_ESTIMATE) this.flushProcessed();
    this.pending.push(m);
    this.pendingEstimate += size;
    if (this.pending.length >= PROCESSED_MAX_BATCH) {
      this.flushProcessed();
      return;
    }
    if (this.pendingTimer) return;
    this.pendingTimer = setTimeout(() => this.flushProcessed(), this.flushMs);
    this.pendingTimer.unref();
  }

  private forgetUser(userId: string): void {
    this.pending = this.pending.filter((m) => m.user_id !== userId);
    this.pendingEstimate = this.pending.reduce((sum, m) => sum + estimate(m), 0);
  }

  emit<E extends EventName>(event: E, data: Payload<E>): void {
    // What was processed before this event is reported before it.
    if (this.pending.length > 0) this.flushProcessed();
    this.send(event, data);
  }

  private flushProcessed() {
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    if (this.pending.length === 0) return;
    const started = process.hrtime.bigint();
    const batch: ProcessedBatch = { ids: this.pending.map((m) => m.id), messages: this.pending };
    this.pending = [];
    this.pendingEstimate = 0;
    this.send('messages:processed', batch);
    this.onFlushTime(Number(process.hrtime.bigint() - started));
  }

  private send(event: EventName, data: unknown, weight = weightOf(event, data)): void {
    if (this.socket.connected && this.buffer.length === 0) {
      (this.socket.emit as (e: string, d: unknown) => void)(event, data);
      return;
    }
    // What waits for a reconnect goes as ids only: by then the admin's own reads may have passed
    // those rows, or a user's deletion removed them, so it reads what is still there.
    if (event === 'messages:processed') data = { ids: (data as ProcessedBatch).ids };
    if (event === 'metrics:update') {
      const i = this.buffer.findIndex((b) => b.event === 'metrics:update');
      if (i >= 0) {
        this.buffer.splice(i, 1);
        this.bufferedCount--;
      }
    }
    const last = this.buffer.at(-1);
    if (event === 'messages:processed' && last?.event === 'messages:processed') {
      // Consecutive batches wait as one: one frame on reconnect.
      (last.data as ProcessedBatch).ids.push(...(data as ProcessedBatch).ids);
    } else {
      this.buffer.push({ event, data });
    }
    this.bufferedCount += weight;
    this.trim();
  }

  /** Drops the oldest messages (one id at a time out of a batch) beyond the bound. */
  private trim() {
    while (this.bufferedCount > this.maxBuffered && this.buffer.length > 0) {
      const first = this.buffer[0]!;
      const over = this.bufferedCount - this.maxBuffered;
      if (first.event === 'messages:processed') {
        const ids = (first.data as ProcessedBatch).ids;
        const n = Math.min(over, ids.length);
        ids.splice(0, n);
        this.bufferedCount -= n;
        this.stats.dropped += n;
        if (ids.length === 0) this.buffer.shift();
      } else {
        this.buffer.shift();
        this.bufferedCount--;
        this.stats.dropped++;
      }
    }
  }

  get statsSnapshot(): AdminLinkStats {
    return {
      connected: this.socket.connected,
      buffered: this.bufferedCount + (this.socket.connected ? 0 : this.pending.length),
      ...this.stats,
    };
  }

  close(): void {
    clearTimeout(this.refusedTimer);
    this.flushProcessed();
    this.socket.close();
  }

  private flush() {
    while (this.buffer.length > 0 && this.socket.connected) {
      const b = this.buffer.shift()!;
      this.bufferedCount -= weightOf(b.event, b.data);
      (this.socket.emit as (e: string, d: unknown) => void)(b.event, b.data);
    }
  }
}

function weightOf(event: EventName, data: unknown): number {
  return event === 'messages:processed' ? (data as ProcessedBatch).ids.length : 1;
}
