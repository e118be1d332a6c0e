import type { Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  /** per bucket, not cumulative; the last slot is +Inf */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** One labelled series: what the message path holds and calls. */
export interface HistogramSeries {
  observe(value: number): void;
}

/**
 * A Prometheus histogram for the per-message path (issue 19): `observe` is a bucket scan into a
 * typed array, about 10 ns, where prom-client's Histogram hashes its labels and walks objects on
 * every call (hundreds of ns; seven per message added up to more than the whole collector). The
 * exposition is prom-client's own: this registers in the same registry as a custom metric and
 * reports the standard `_bucket{le}` / `_sum` / `_count` series at scrape time.
 */
export class FastHistogram<L extends string = never> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: Float64Array;
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
    registry: Registry,
    private readonly labelNames: readonly L[] = [],
  ) {
    this.bounds = Float64Array.from(buckets);
    registry.registerMetric(this as never);
  }

  /** The series for these label values, created once and kept: call this outside the hot path. */
  labels(values: Record<L, string>): HistogramSeries {
    const labels: Record<string, string> = {};
    for (const n of this.labelNames) labels[n] = values[n];
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const series = s;
    const bounds = this.bounds;
    return {
      observe(value: number) {
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        series.counts[i]!++;
        series.sum += value;
        series.count++;
      },
    };
  }

  /** The series without labels (a histogram declared without label names). */
  observe(value: number): void {
    this.unlabelled ??= this.labels({} as Record<L, string>);
    this.unlabelled.observe(value);
  }

  private unlabelled: HistogramSeries | undefined;

  /** prom-client's metric interface: the values the registry formats. */
  get() {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const s of this.series.values()) {
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += s.counts[i]!;
        values.push({
          labels: { ...s.labels, le: this.bounds[i]! },
          value: acc,
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const s of this.series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}

/** One labelled counter series. */
export interface CounterSeries {
  inc(): void;
}

/**
 * A Prometheus counter for the per-message path, like FastHistogram: `inc` adds to a number, the
 * registry reads the series at scrape time (prom-client's Counter hashes its labels per call).
 */
export class FastCounter<L extends string> {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, { labels: Record<string, string>; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
    private readonly labelNames: readonly L[],
  ) {
    registry.registerMetric(this as never);
  }

  labels(values: Record<L, string>): CounterSeries {
    const labels: Record<string, string> = {};
    for (const n of this.labelNames) labels[n] = values[n];
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, value: 0 };
      this.series.set(key, s);
    }
    const series = s;
    return {
      inc() {
        series.value++;
      },
    };
  }

  get() {
    const values = [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const s of this.series.values()) s.value = 0;
  }
}
