import type { ReplyStage } from '@botpulse/protocol';
import { percentile } from './stats';
import type { StageStats, StageTimesMs } from './types';

/**
 * The last `samples` replies' response time and its split by stage, on one cursor: every reply
 * writes all seven columns at the same position, so the stage averages are over exactly the replies
 * of the response-time average and add up to it (`other` takes each reply's remainder; a reply
 * without stage times is all `other`: shown, never hidden).
 *
 * One cursor rather than a ring per column: `record` is on the per-message path, and seven rings
 * cost seven cursor updates and wrap checks per reply (~15 ns of a ~100 ns budget).
 */
export class ReplyTimes {
  readonly capacity: number;
  private readonly response: Float64Array;
  private readonly queue: Float64Array;
  private readonly profile: Float64Array;
  private readonly generate: Float64Array;
  private readonly send: Float64Array;
  private readonly store: Float64Array;
  private readonly other: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(samples: number) {
    if (!Number.isInteger(samples) || samples < 1) {
      throw new RangeError(`ReplyTimes samples must be a positive integer, got ${samples}`);
    }
    this.capacity = samples;
    this.response = new Float64Array(samples);
    this.queue = new Float64Array(samples);
    this.profile = new Float64Array(samples);
    this.generate = new Float64Array(samples);
    this.send = new Float64Array(samples);
    this.store = new Float64Array(samples);
    this.other = new Float64Array(samples);
  }

  /** Replies held (at most `capacity`). */
  get count(): number {
    return this.filled;
  }

  record(responseTimeMs: number, stages: StageTimesMs | null | undefined): void {
    const at = this.next;
    this.response[at] = responseTimeMs;
    if (stages == null) {
      this.queue[at] = 0;
      this.profile[at] = 0;
      this.generate[at] = 0;
      this.send[at] = 0;
      this.store[at] = 0;
      this.other[at] = responseTimeMs;
    } else {
      this.queue[at] = stages.queueMs;
      this.profile[at] = stages.profileMs;
      this.generate[at] = stages.generateMs;
      this.send[at] = stages.sendMs;
      this.store[at] = stages.storeMs;
      this.other[at] = otherMs(responseTimeMs, stages);
    }
    this.next = at + 1 === this.capacity ? 0 : at + 1;
    if (this.filled < this.capacity) this.filled++;
  }

  /** Mean response time; 0 when empty. */
  meanResponseMs(): number {
    return mean(this.response, this.filled);
  }

  /** The response times sorted ascending, ready for `percentile`. */
  sortedResponseMs(): Float64Array {
    return this.response.slice(0, this.filled).sort();
  }

  stageSummary(): Record<ReplyStage, StageStats> {
    return {
      queue: this.stats(this.queue),
      profile: this.stats(this.profile),
      generate: this.stats(this.generate),
      send: this.stats(this.send),
      store: this.stats(this.store),
      other: this.stats(this.other),
    };
  }

  clear(): void {
    for (const column of this.columns()) column.fill(0);
    this.next = 0;
    this.filled = 0;
  }

  memoryBytes(): number {
    return this.columns().reduce((sum, column) => sum + column.byteLength, 0);
  }

  private stats(column: Float64Array): StageStats {
    return { avg_ms: mean(column, this.filled), p95_ms: percentile(column.slice(0, this.filled).sort(), 95) };
  }

  private columns(): Float64Array[] {
    return [this.response, this.queue, this.profile, this.generate, this.send, this.store, this.other];
  }
}

/** What the named stages leave of a response time (never negative: clocks differ by a hair). */
export function otherMs(responseTimeMs: number, s: StageTimesMs): number {
  return Math.max(0, responseTimeMs - s.queueMs - s.profileMs - s.generateMs - s.sendMs - s.storeMs);
}

function mean(column: Float64Array, count: number): number {
  if (count === 0) return 0;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += column[i]!;
  return sum / count;
}
