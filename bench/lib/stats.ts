import { percentile } from '@botpulse/metrics';

export function p(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return percentile(sorted, q);
}

export function median(values: number[]): number {
  return p(values, 50);
}
