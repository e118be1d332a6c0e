import { describe, expect, it } from 'vitest';
import { NumberRing } from './number-ring';

describe('NumberRing', () => {
  it('is empty at first', () => {
    const ring = new NumberRing(4);
    expect(ring.count).toBe(0);
    expect(Array.from(ring.values())).toEqual([]);
    expect(Array.from(ring.sortedCopy())).toEqual([]);
    expect(ring.mean()).toBe(0);
  });

  it('copies values out oldest to newest', () => {
    const ring = new NumberRing(4);
    ring.push(3.5);
    ring.push(1.25);
    const values = ring.values();
    expect(Array.from(values)).toEqual([3.5, 1.25]);
    values[0] = 99;
    expect(Array.from(ring.values())).toEqual([3.5, 1.25]);
  });

  it('keeps the last `capacity` values when pushed past capacity', () => {
    const ring = new NumberRing(3);
    for (let i = 1; i <= 8; i++) ring.push(i);
    expect(ring.count).toBe(3);
    expect(Array.from(ring.values())).toEqual([6, 7, 8]);
    expect(ring.mean()).toBe(7);
  });

  it('sorts numerically, not as strings', () => {
    const ring = new NumberRing(5);
    for (const v of [10, 9, 100, 1.5, 20]) ring.push(v);
    expect(Array.from(ring.sortedCopy())).toEqual([1.5, 9, 10, 20, 100]);
    expect(Array.from(ring.values())).toEqual([10, 9, 100, 1.5, 20]);
  });

  it('clears and reports its bytes', () => {
    const ring = new NumberRing(1000);
    ring.push(1);
    ring.clear();
    expect(ring.count).toBe(0);
    expect(ring.memoryBytes()).toBe(8000);
  });

  it('rejects a bad capacity', () => {
    expect(() => new NumberRing(0)).toThrow('NumberRing capacity must be a positive integer, got 0');
  });
});
