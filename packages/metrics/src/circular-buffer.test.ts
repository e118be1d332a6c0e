import { describe, expect, it } from 'vitest';
import { CircularBuffer } from './circular-buffer';

describe('CircularBuffer', () => {
  it('starts empty', () => {
    const buffer = new CircularBuffer<number>(3);
    expect(buffer.size).toBe(3);
    expect(buffer.count).toBe(0);
    expect(buffer.getAll()).toEqual([]);
  });

  it('returns items oldest to newest before it is full', () => {
    const buffer = new CircularBuffer<string>(3);
    buffer.push('a');
    buffer.push('b');
    expect(buffer.count).toBe(2);
    expect(buffer.getAll()).toEqual(['a', 'b']);
  });

  it('keeps only the last `size` items when pushed past capacity', () => {
    const buffer = new CircularBuffer<number>(3);
    for (let i = 1; i <= 7; i++) buffer.push(i);
    expect(buffer.count).toBe(3);
    expect(buffer.getAll()).toEqual([5, 6, 7]);
    buffer.push(8);
    expect(buffer.getAll()).toEqual([6, 7, 8]);
  });

  it('wraps exactly at capacity', () => {
    const buffer = new CircularBuffer<number>(2);
    buffer.push(1);
    buffer.push(2);
    expect(buffer.getAll()).toEqual([1, 2]);
    buffer.push(3);
    expect(buffer.getAll()).toEqual([2, 3]);
  });

  it('keeps object items by reference and clears', () => {
    const item = { id: 1 };
    const buffer = new CircularBuffer<{ id: number }>(2);
    buffer.push(item);
    expect(buffer.getAll()[0]).toBe(item);
    buffer.clear();
    expect(buffer.count).toBe(0);
    expect(buffer.getAll()).toEqual([]);
  });

  it('rejects a size that is not a positive integer', () => {
    expect(() => new CircularBuffer(0)).toThrow('CircularBuffer size must be a positive integer, got 0');
    expect(() => new CircularBuffer(2.5)).toThrow(RangeError);
  });
});
