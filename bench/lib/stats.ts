import { percentile } from '@botpulse/metrics';

export function p(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return percentile(sorted, q);
}

export function median(values: number[]): number {
  return p(values, 50);
}

/** Values kept by the second they belong to (from a run's start), to print a percentile per second. */
export class PerSecond {
  private readonly buckets: number[][] = [];

  add(second: number, value: number): void {
    if (second < 0) return;
    const bucket = this.buckets[second];
    if (bucket) bucket.push(value);
    else this.buckets[second] = [value];
  }

  /** e.g. "84 62 - 197": the q-th percentile of each second, '-' for a second without values */
  format(q: number): string {
    return Array.from(this.buckets, (v) => (v ? p(v, q).toFixed(0) : '-')).join(' ');
  }
}
