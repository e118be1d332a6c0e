import type { EventKind } from '../messenger/types';
import { LatencyHistogram } from './histogram';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** A live view, for progress displays (`onProgress`). Rates and p95 cover the last ~10 s. */
export interface ProgressSnapshot {
  elapsedMs: number;
  /** user messages sent (first deliveries) */
  userMessages: number;
  posts: number;
  acked: number;
  /** non-2xx answers, network failures, timeouts and POSTs dropped for too many in flight */
  errors: number;
  inFlight: number;
  recentRatePerMinute: number;
  recentP95Ms: number;
}

const WINDOW_SLOTS = 10;

/** Counters of one run; the runner writes, progress and summary read. */
export class SimulationStats {
  userMessages = 0;
  duplicates = 0;
  posts = 0;
  acked = 0;
  non2xx = 0;
  failed = 0;
  timeouts = 0;
  dropped = 0;
  inFlight = 0;
  readonly events: Record<EventKind, number> = {
    text: 0,
    quick_reply: 0,
    attachment: 0,
    postback: 0,
    echo: 0,
    delivery: 0,
    read: 0,
  };
  readonly statuses: Record<string, number> = {};
  readonly latency = new LatencyHistogram();
  readonly schedulerLag = new LatencyHistogram();
  lastError: string | undefined;

  // A ring of one-second slots, so the live rate and p95 follow changes instead of averaging them away.
  private readonly slots = Array.from({ length: WINDOW_SLOTS }, () => ({
    latency: new LatencyHistogram(),
    userMessages: 0,
  }));
  private slot = 0;
  private slotsFilled = 1;

  recordSent(userMessages: number): void {
    this.userMessages += userMessages;
    this.slots[this.slot]!.userMessages += userMessages;
  }

  recordAnswer(status: number, latencyMs: number): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      this.acked += 1;
      this.latency.add(latencyMs);
      this.slots[this.slot]!.latency.add(latencyMs);
    } else {
      this.non2xx += 1;
    }
  }

  /** Called once a second by the runner. */
  rotate(): void {
    this.slot = (this.slot + 1) % WINDOW_SLOTS;
    this.slots[this.slot]!.latency.reset();
    this.slots[this.slot]!.userMessages = 0;
    this.slotsFilled = Math.min(WINDOW_SLOTS, this.slotsFilled + 1);
  }

  get errors(): number {
    return this.non2xx + this.failed + this.timeouts + this.dropped;
  }

  snapshot(elapsedMs: number, currentSlotMs: number): ProgressSnapshot {
    const recent = new LatencyHistogram();
    let recentMessages = 0;
    for (const s of this.slots) {
      recent.merge(s.latency);
      recentMessages += s.userMessages;
    }
    // Full past slots plus the part of the current one that has elapsed.
    const windowMs = Math.min(elapsedMs, (this.slotsFilled - 1) * 1000 + currentSlotMs);
    return {
      elapsedMs,
      userMessages: this.userMessages,
      posts: this.posts,
      acked: this.acked,
      errors: this.errors,
      inFlight: this.inFlight,
      recentRatePerMinute: windowMs > 0 ? (recentMessages * 60_000) / windowMs : 0,
      recentP95Ms: recent.percentile(95),
    };
  }

  latencySummary(): LatencySummary | null {
    if (this.latency.count === 0) return null;
    return {
      p50: this.latency.percentile(50),
      p95: this.latency.percentile(95),
      p99: this.latency.percentile(99),
      mean: this.latency.meanMs,
      max: this.latency.maxMs,
    };
  }
}
