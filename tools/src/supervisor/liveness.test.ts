import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchLiveness } from './liveness';

describe('watchLiveness', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const failing = () => Promise.reject(new Error('no answer within 5000 ms'));

  it('counts misses at once when the child was answering when the watch began', async () => {
    const hung = vi.fn();
    const w = watchLiveness(failing, hung, { intervalMs: 1_000, misses: 3, answering: true });
    await vi.advanceTimersByTimeAsync(2_500);
    expect(hung).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(hung).toHaveBeenCalledOnce();
    expect(hung.mock.calls[0]![0]).toMatch(/3 liveness probes failed/);
    w.stop();
  });

  it('forgives a slow start until the first answer, within the grace period', async () => {
    const hung = vi.fn();
    let up = false;
    const w = watchLiveness(() => (up ? Promise.resolve() : failing()), hung, {
      intervalMs: 1_000,
      misses: 3,
      startGraceMs: 20_000,
    });
    await vi.advanceTimersByTimeAsync(15_000);
    expect(hung).not.toHaveBeenCalled();
    up = true;
    await vi.advanceTimersByTimeAsync(1_000);
    up = false;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(hung).toHaveBeenCalledOnce();
    w.stop();
  });

  it('declares a restarted child that never answers hung once the grace period is over', async () => {
    const hung = vi.fn();
    const w = watchLiveness(failing, hung, { intervalMs: 1_000, misses: 3, startGraceMs: 10_000 });
    await vi.advanceTimersByTimeAsync(9_500);
    expect(hung).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(hung).toHaveBeenCalledOnce();
    w.restarted();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(hung).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(hung).toHaveBeenCalledTimes(2);
    w.stop();
  });

  it('counts misses from the moment the child says it is ready', async () => {
    const hung = vi.fn();
    const w = watchLiveness(failing, hung, { intervalMs: 1_000, misses: 3, startGraceMs: 60_000 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(hung).not.toHaveBeenCalled();
    w.ready();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(hung).toHaveBeenCalledOnce();
    w.stop();
  });
});
