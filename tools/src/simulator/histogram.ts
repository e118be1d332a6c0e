const MIN_MS = 0.01;
const RATIO = 1.02;
const LOG_RATIO = Math.log(RATIO);
// 10 µs … ~2.7 min in 2% steps: percentiles within ±1%, fixed memory however long the run.
const BUCKETS = Math.ceil(Math.log(160_000 / MIN_MS) / LOG_RATIO) + 1;

/** A log-bucketed latency histogram: constant memory for runs of any length, mergeable. */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  sumMs = 0;
  minMs = Number.POSITIVE_INFINITY;
  maxMs = 0;

  add(ms: number): void {
    const value = Math.max(ms, 0);
    const index =
      value <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(value / MIN_MS) / LOG_RATIO));
    this.counts[index]! += 1;
    this.count += 1;
    this.sumMs += value;
    if (value < this.minMs) this.minMs = value;
    if (value > this.maxMs) this.maxMs = value;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sumMs += other.sumMs;
    this.minMs = Math.min(this.minMs, other.minMs);
    this.maxMs = Math.max(this.maxMs, other.maxMs);
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sumMs = 0;
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = 0;
  }

  /** The `p`-th percentile (0-100) in ms, or NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const upper = MIN_MS * RATIO ** i;
        return Math.min(this.maxMs, Math.max(this.minMs, upper));
      }
    }
    return this.maxMs;
  }

  get meanMs(): number {
    return this.count === 0 ? Number.NaN : this.sumMs / this.count;
  }
}
