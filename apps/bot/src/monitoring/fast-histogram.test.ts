import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from './fast-histogram';

/** `name{sorted labels} value` lines, so label order in the text does not matter. */
function samples(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^([^{ ]+)(?:\{([^}]*)\})? (\S+)$/.exec(l)!;
      const labels = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
      return `${m[1]}{${labels}} ${Number(m[3])}`;
    })
    .sort();
}

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
// on a bound, between bounds, below the first, above the last, zero
const VALUES = [0.001, 0.0049, 0.005, 0.2, 0.25, 0, 0.00001, 3, 1, 42, 0.05, 0.051];

describe('FastHistogram and FastCounter', () => {
  it('expose exactly what prom-client would for the same observations', async () => {
    const mine = new Registry();
    const theirs = new Registry();
    for (const r of [mine, theirs]) r.setDefaultLabels({ instance_id: 'bot-1' });

    const fastStage = new FastHistogram('t_stage_seconds', 'stages', BUCKETS, mine, ['stage'] as const);
    const promStage = new Histogram({
      name: 't_stage_seconds',
      help: 'stages',
      labelNames: ['stage'] as const,
      buckets: BUCKETS,
      registers: [theirs],
    });
    const fastTotal = new FastHistogram('t_total_seconds', 'total', BUCKETS, mine);
    const promTotal = new Histogram({
      name: 't_total_seconds',
      help: 'total',
      buckets: BUCKETS,
      registers: [theirs],
    });
    const fastCount = new FastCounter('t_messages_total', 'messages', mine, ['kind', 'status'] as const);
    const promCount = new Counter({
      name: 't_messages_total',
      help: 'messages',
      labelNames: ['kind', 'status'] as const,
      registers: [theirs],
    });

    const queue = fastStage.labels({ stage: 'queue' });
    const send = fastStage.labels({ stage: 'send' });
    for (const [i, v] of VALUES.entries()) {
      (i % 3 === 0 ? send : queue).observe(v);
      promStage.labels({ stage: i % 3 === 0 ? 'send' : 'queue' }).observe(v);
      fastTotal.observe(v);
      promTotal.observe(v);
      const labels = { kind: i % 2 ? 'text' : 'postback', status: i % 5 ? 'replied' : 'failed' };
      fastCount.labels(labels).inc();
      promCount.labels(labels).inc();
    }

    const a = samples(await mine.metrics());
    expect(a).toEqual(samples(await theirs.metrics()));
    // The figures themselves, not just agreement: 12 observations, 2 of them above 1 s.
    expect(a).toContain('t_total_seconds_count{instance_id="bot-1"} 12');
    expect(a).toContain('t_total_seconds_bucket{instance_id="bot-1",le="1"} 10');
    expect(a).toContain('t_total_seconds_bucket{instance_id="bot-1",le="0.001"} 3');
    expect(await mine.metrics()).toContain('# TYPE t_stage_seconds histogram');
  });

  it('the same label values share one series; reset clears the counts', async () => {
    const r = new Registry();
    const h = new FastHistogram('t_h', 'h', [1], r, ['stage'] as const);
    h.labels({ stage: 'a' }).observe(0.5);
    h.labels({ stage: 'a' }).observe(2);
    expect(samples(await r.metrics())).toContain('t_h_count{stage="a"} 2');
    r.resetMetrics();
    expect(samples(await r.metrics())).toContain('t_h_count{stage="a"} 0');
  });
});
