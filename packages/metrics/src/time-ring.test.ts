import { describe, expect, it } from 'vitest';
import { TimeRing } from './time-ring';

describe('TimeRing', () => {
  it('places observations in the bucket of their index', () => {
    const ring = new TimeRing(4, ['count'] as const);
    const slot = ring.claim(100);
    ring.columns.count[slot]! += 2;
    expect(ring.newestIndex).toBe(100);
    expect(ring.value('count', 100)).toBe(2);
  });

  it('accepts older buckets still held and refuses older or newer ones', () => {
    const ring = new TimeRing(4, ['count'] as const);
    ring.advance(100);
    expect(ring.slotOf(97)).toBeGreaterThanOrEqual(0);
    expect(ring.slotOf(96)).toBe(-1);
    expect(ring.slotOf(101)).toBe(-1);
    expect(ring.claim(96)).toBe(-1);
    expect(ring.value('count', 96)).toBe(0);
  });

  it('zeroes the buckets it skips when moving forward', () => {
    const ring = new TimeRing(4, ['a', 'b'] as const);
    for (let index = 10; index < 14; index++) {
      const slot = ring.claim(index);
      ring.columns.a[slot] = index;
      ring.columns.b[slot] = 1;
    }
    ring.advance(15);
    expect([12, 13, 14, 15].map((i) => ring.value('a', i))).toEqual([12, 13, 0, 0]);
    expect(ring.sumLatest('b', 4)).toBe(2);
  });

  it('zeroes everything after a gap longer than the ring', () => {
    const ring = new TimeRing(4, ['a'] as const);
    for (let index = 0; index < 4; index++) ring.columns.a[ring.claim(index)] = 7;
    ring.advance(4 + 9);
    expect(ring.sumLatest('a', 4)).toBe(0);
    expect(Array.from(ring.columns.a)).toEqual([0, 0, 0, 0]);
  });

  it('holds exactly `length` buckets when the length is not a power of two', () => {
    const ring = new TimeRing(3, ['a'] as const);
    for (let index = 0; index <= 10; index++) ring.columns.a[ring.claim(index)] = index;
    expect(ring.slotOf(7)).toBe(-1);
    expect([7, 8, 9, 10].map((i) => ring.value('a', i))).toEqual([0, 8, 9, 10]);
    ring.advance(12);
    expect([10, 11, 12].map((i) => ring.value('a', i))).toEqual([10, 0, 0]);
  });

  it('sums at most the whole ring', () => {
    const ring = new TimeRing(3, ['a'] as const);
    for (let index = 0; index < 5; index++) ring.columns.a[ring.claim(index)] = 1;
    expect(ring.sumLatest('a', 2)).toBe(2);
    expect(ring.sumLatest('a', 10)).toBe(3);
  });

  it('clears and reports its bytes', () => {
    const ring = new TimeRing(10, ['a', 'b'] as const);
    ring.columns.a[ring.claim(5)] = 1;
    ring.clear();
    expect(ring.newestIndex).toBe(-1);
    expect(ring.memoryBytes()).toBe(2 * 16 * 8);
  });
});
