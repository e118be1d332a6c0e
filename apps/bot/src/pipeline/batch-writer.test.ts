import { describe, expect, it } from 'vitest';
import { BatchWriter } from './batch-writer';

/** A flush whose calls stay open until the test answers them. */
function controlledFlush() {
  const calls: Array<{ items: number[]; answer: () => void }> = [];
  const flush = (items: number[]) =>
    new Promise<number[]>((resolve) => {
      calls.push({ items, answer: () => resolve(items.map((i) => i * 10)) });
    });
  return { calls, flush };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BatchWriter', () => {
  it('writes alone while a slot is free, then gathers what waits into the next flush', async () => {
    const { calls, flush } = controlledFlush();
    const w = new BatchWriter(flush, 50, 2);
    const first = w.write(1);
    await tick();
    const second = w.write(2);
    await tick();
    const rest = [3, 4, 5].map((i) => w.write(i));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    calls[0]!.answer();
    expect(await first).toBe(10);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4, 5]]);
    calls[1]!.answer();
    calls[2]!.answer();
    expect(await second).toBe(20);
    expect(await Promise.all(rest)).toEqual([30, 40, 50]);
    expect(w.busy).toBe(false);
  });

  it('a full batch takes one of the extra slots; a partial one waits for the first ones', async () => {
    const { calls, flush } = controlledFlush();
    const w = new BatchWriter(flush, 3, 1, { maxConcurrentFull: 3 });
    void w.write(0);
    await tick();
    const items = [1, 2, 3, 4, 5, 6, 7];
    const results = Promise.all(items.map((i) => w.write(i)));
    await tick();
    // [1,2,3] and [4,5,6] are full: they go at once; [7] waits until fewer than 1 flush runs.
    expect(calls.map((c) => c.items)).toEqual([[0], [1, 2, 3], [4, 5, 6]]);
    calls[0]!.answer();
    calls[1]!.answer();
    await tick();
    expect(calls).toHaveLength(3);
    calls[2]!.answer();
    await tick();
    expect(calls.map((c) => c.items).at(-1)).toEqual([7]);
    calls[3]!.answer();
    expect(await results).toEqual(items.map((i) => i * 10));
  });

  it('a flush running past stuckAfterMs gives up its slot, so writes behind it go out', async () => {
    const { calls, flush } = controlledFlush();
    const w = new BatchWriter(flush, 50, 1, { stuckAfterMs: 100 });
    const stuck = w.write(1);
    await tick();
    const behind = w.write(2);
    await tick();
    expect(calls).toHaveLength(1);
    const started = performance.now();
    while (calls.length < 2 && performance.now() - started < 2_000)
      await new Promise((r) => setTimeout(r, 10));
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
    calls[1]!.answer();
    expect(await behind).toBe(20);
    calls[0]!.answer();
    expect(await stuck).toBe(10);
  });

  it('without stuckAfterMs, writes wait for the running flush however long it takes', async () => {
    const { calls, flush } = controlledFlush();
    const w = new BatchWriter(flush, 50, 1);
    void w.write(1);
    await tick();
    const behind = w.write(2);
    await new Promise((r) => setTimeout(r, 150));
    expect(calls).toHaveLength(1);
    calls[0]!.answer();
    await tick();
    calls[1]!.answer();
    expect(await behind).toBe(20);
  });

  it('waits for the fresh flush to become stuck without waking meanwhile, while an older one is stuck', async () => {
    const { calls, flush } = controlledFlush();
    const w = new BatchWriter(flush, 50, 1, { stuckAfterMs: 200 });
    let wakeups = 0;
    const spied = w as unknown as { drain: () => void };
    const drain = spied.drain.bind(w);
    spied.drain = () => {
      wakeups++;
      drain();
    };
    void w.write(1); // stuck from 200 ms on
    await new Promise((r) => setTimeout(r, 250));
    void w.write(2); // goes at once: the first one holds no slot any more
    await tick();
    expect(calls).toHaveLength(2);
    wakeups = 0;
    const third = w.write(3); // waits until the second one is stuck too
    await new Promise((r) => setTimeout(r, 120));
    expect(calls).toHaveLength(2);
    expect(wakeups).toBeLessThan(3);
    const started = performance.now();
    while (calls.length < 3 && performance.now() - started < 2_000)
      await new Promise((r) => setTimeout(r, 10));
    expect(calls.map((c) => c.items).at(-1)).toEqual([3]);
    calls[2]!.answer();
    expect(await third).toBe(30);
    for (const c of calls.slice(0, 2)) c.answer();
  });
});
