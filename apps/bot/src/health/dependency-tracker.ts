import type { DependencyCheck } from '@botpulse/protocol';

const WINDOW_MS = 5 * 60_000;
const BUCKET_MS = 10_000;
const BUCKETS = WINDOW_MS / BUCKET_MS;

/**
 * Health of one outside dependency (Facebook or Gemini): a background check, cached for
 * `intervalMs`, plus what live traffic shows — failures in the last 5 minutes turn it degraded
 * (or down) before the next check runs.
 */
export class DependencyTracker {
  private checkedAt: Date | null = null;
  private checkError: string | undefined;
  private checkLatencyMs: number | undefined;
  private lastLiveError: string | undefined;
  private consecutiveFailures = 0;
  private readonly ok = new Uint32Array(BUCKETS);
  private readonly failed = new Uint32Array(BUCKETS);
  private bucketEpoch = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly check: (() => Promise<void>) | undefined,
    private readonly intervalMs = 5 * 60_000,
  ) {}

  get configured(): boolean {
    return this.check !== undefined;
  }

  start(): void {
    if (!this.check || this.timer) return;
    void this.runCheck();
    this.timer = setInterval(() => void this.runCheck(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async runCheck(): Promise<void> {
    if (!this.check) return;
    const started = performance.now();
    try {
      await this.check();
      this.checkError = undefined;
    } catch (err) {
      this.checkError = err instanceof Error ? err.message : String(err);
    }
    this.checkLatencyMs = performance.now() - started;
    this.checkedAt = new Date();
  }

  recordSuccess(now = Date.now()): void {
    this.bucket(now, this.ok);
    this.consecutiveFailures = 0;
  }

  recordFailure(err: unknown, now = Date.now()): void {
    this.bucket(now, this.failed);
    this.consecutiveFailures++;
    this.lastLiveError = err instanceof Error ? err.message : String(err);
  }

  snapshot(now = Date.now()): DependencyCheck {
    if (!this.check) return { status: 'not_configured', checked_at: null };
    this.advance(now);
    let failures = 0;
    let successes = 0;
    for (let i = 0; i < BUCKETS; i++) {
      failures += this.failed[i]!;
      successes += this.ok[i]!;
    }
    const base = {
      checked_at: this.checkedAt?.toISOString() ?? null,
      ...(this.checkLatencyMs !== undefined ? { latency_ms: this.checkLatencyMs } : {}),
      recent_failures: failures,
    };
    if (this.consecutiveFailures >= 5) {
      return { ...base, status: 'down', error: this.lastLiveError };
    }
    if (this.checkError) return { ...base, status: 'down', error: this.checkError };
    if (failures >= 3 && failures >= successes) {
      return { ...base, status: 'degraded', error: this.lastLiveError };
    }
    return { ...base, status: 'ok' };
  }

  private bucket(now: number, counts: Uint32Array) {
    this.advance(now);
    const idx = Math.floor(now / BUCKET_MS) % BUCKETS;
    counts[idx] = counts[idx]! + 1;
  }

  /** Zeroes the buckets that fell out of the window since the last call. */
  private advance(now: number) {
    const epoch = Math.floor(now / BUCKET_MS);
    if (this.bucketEpoch === 0) this.bucketEpoch = epoch;
    const steps = Math.min(BUCKETS, epoch - this.bucketEpoch);
    for (let s = 1; s <= steps; s++) {
      const idx = (this.bucketEpoch + s) % BUCKETS;
      this.ok[idx] = 0;
      this.failed[idx] = 0;
    }
    if (epoch > this.bucketEpoch) this.bucketEpoch = epoch;
  }
}
