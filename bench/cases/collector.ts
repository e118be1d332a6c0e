import { MetricsCollector } from '@botpulse/metrics';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Results } from '../lib/report';
import { progress } from '../lib/report';

/**
 * recordMessage in-process against prom-client doing the same per message (Counter.inc +
 * Histogram.observe), same process, same messages, alternating rounds so neither gets a warmer or
 * quieter machine. 10M calls over 100k distinct users (--quick: 1M).
 */
export async function benchCollector(quick: boolean): Promise<Results> {
  const calls = quick ? 1_000_000 : 10_000_000;
  const users = Array.from({ length: 100_000 }, (_, i) => String(6_512_000_000_000_000 + i * 7919));
  const base = Date.now() - 3_600_000;
  const rts = Float64Array.from({ length: 4096 }, (_, i) => 50 + ((i * 7919) % 2000) + 0.25);
  // Timestamps boxed once, like the numbers a JSON body yields, so the loop measures the collector.
  const stamps = Array.from({ length: 4096 }, (_, i) => base + i * 800);

  const collector = new MetricsCollector();
  const registry = new Registry();
  const counter = new Counter({ name: 'bench_messages_total', help: 'messages', registers: [registry] });
  const histogram = new Histogram({
    name: 'bench_response_time_seconds',
    help: 'response time',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const runCollector = (n: number) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++)
      collector.recordMessage(users[i % 100_000]!, stamps[i & 4095]!, rts[i & 4095]!);
    return Number(process.hrtime.bigint() - t0) / n;
  };
  const runProm = (n: number) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      counter.inc();
      histogram.observe(rts[i & 4095]! / 1000);
    }
    return Number(process.hrtime.bigint() - t0) / n;
  };

  runCollector(200_000);
  runProm(200_000);
  const rounds = 10;
  const per = calls / rounds;
  const c: number[] = [];
  const pc: number[] = [];
  for (let r = 0; r < rounds; r++) {
    progress(
      `collector vs prom-client: round ${r + 1}/${rounds} (${(per * (r + 1)).toLocaleString('en')} calls each)`,
    );
    c.push(runCollector(per));
    pc.push(runProm(per));
  }
  const collectorNs = c.reduce((a, b) => a + b, 0) / rounds;
  const promNs = pc.reduce((a, b) => a + b, 0) / rounds;
  return {
    collector_ns_per_message: collectorNs,
    promclient_ns_per_message: promNs,
    collector_vs_promclient_ratio: collectorNs / promNs,
  };
}
