import {
  type Db,
  type InsertedInboxEvent,
  insertInboxEvents,
  isEventDataError,
  type NewInboxEvent,
} from '@botpulse/db';
import type { InboundEvent } from '../webhook/events';
import { BatchWriter } from './batch-writer';
import type { ReplyJob } from './job';

/** What became of one event written to the inbox. */
interface InboxResult {
  inserted: InsertedInboxEvent | undefined;
  storeMs: number;
  rejected: boolean;
}

/** Nothing could be stored: the webhook must not say 200, so Meta retries. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

/**
 * The webhook's durable step: user events are written to the inbox (group-committed) before Meta
 * gets its 200; the new ones (not seen before) become reply jobs claimed by this instance.
 */
export class Intake {
  private readonly writer: BatchWriter<NewInboxEvent, InboxResult>;

  constructor(
    db: Db,
    /** group commits that may run at once (the connections `db` has for them) */
    concurrentWrites: number,
    instanceId: string,
    private readonly dispatch: (job: ReplyJob) => void,
    /** an event the database refuses even on its own (counted and logged, answered 200) */
    private readonly onRejected: (dedupKey: string, err: unknown) => void = () => {},
    /** the database refused a whole write (answered 503): health must say so */
    private readonly onRefused: (err: unknown) => void = () => {},
  ) {
    const insert = async (items: NewInboxEvent[]): Promise<InboxResult[]> => {
      const started = performance.now();
      const rows = await insertInboxEvents(db, instanceId, items);
      const storeMs = performance.now() - started;
      const byKey = new Map(rows.map((r) => [r.dedup_key, r]));
      // The same mid twice in one batch: only its first occurrence is new.
      return items.map((i) => {
        const inserted = byKey.get(i.dedup_key);
        byKey.delete(i.dedup_key);
        return { inserted, storeMs, rejected: false };
      });
    };
    this.writer = new BatchWriter(
      async (items) => {
        try {
          return await insert(items);
        } catch (err) {
          // Only an error in an event's own data (SQLSTATE class 22, 54000/54001) may drop it; then
          // the batch is stored one by one, so that event alone is rejected. Anything else (read-only,
          // missing table, permissions, timeouts, lost connection) is a 503: Meta retries.
          if (!isEventDataError(err)) throw err;
          const results: InboxResult[] = [];
          for (const item of items) {
            try {
              results.push(...(await insert([item])));
            } catch (one) {
              if (!isEventDataError(one)) throw one;
              this.onRejected(item.dedup_key, one);
              results.push({ inserted: undefined, storeMs: 0, rejected: true });
            }
          }
          return results;
        }
      },
      1000,
      concurrentWrites,
    );
  }

  async accept(
    events: InboundEvent[],
    receivedHr: number,
  ): Promise<{ stored: number; duplicates: number; rejected: number }> {
    if (events.length === 0) return { stored: 0, duplicates: 0, rejected: 0 };
    let results: InboxResult[];
    try {
      results = await this.writer.writeMany(
        events.map((source) => ({
          dedup_key: source.dedupKey,
          sender_id: source.senderId,
          event_ts: new Date(source.timestampMs).toISOString(),
          event: source.event,
        })),
      );
    } catch (err) {
      this.onRefused(err);
      throw new StorageUnavailableError(`could not store webhook events: ${(err as Error).message}`);
    }
    let stored = 0;
    let rejected = 0;
    results.forEach((r, i) => {
      if (r.rejected) rejected++;
      if (!r.inserted) return;
      stored++;
      const source = events[i]!;
      this.dispatch({
        inboxId: r.inserted.id,
        dedupKey: source.dedupKey,
        senderId: source.senderId,
        timestampMs: source.timestampMs,
        originalTimestampMs: source.originalTimestampMs,
        kind: source.kind,
        event: source.event,
        receivedAtMs: r.inserted.received_at.getTime(),
        receivedHr,
        storeMs: r.storeMs,
        attempts: 1,
      });
    });
    return { stored, duplicates: events.length - stored - rejected, rejected };
  }

  get busy(): boolean {
    return this.writer.busy;
  }
}
