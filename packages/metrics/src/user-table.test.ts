import { describe, expect, it } from 'vitest';
import { hashUserId } from './hash';
import { UserTable } from './user-table';

/** Page-scoped ids look like 16-digit numbers; built without float precision loss. */
function psid(i: number): string {
  return '7' + String(i * 7_919 + 100_003).padStart(15, '0');
}

describe('hashUserId', () => {
  it('is deterministic and sensitive to every character', () => {
    const a = new Uint32Array(2);
    const b = new Uint32Array(2);
    hashUserId('1234567890123456', a);
    hashUserId('1234567890123456', b);
    expect(Array.from(a)).toEqual(Array.from(b));
    hashUserId('1234567890123457', b);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});

describe('UserTable', () => {
  it('returns -1 for a new user, then the previous last-seen minute', () => {
    const table = new UserTable();
    expect(table.touch('u1', 100)).toBe(-1);
    expect(table.touch('u1', 105)).toBe(100);
    expect(table.touch('u1', 103)).toBe(105);
    expect(table.lastSeenMinute('u1')).toBe(105);
    expect(table.lastSeenMinute('nobody')).toBe(-1);
    expect(table.size).toBe(1);
  });

  it('handles minute 0', () => {
    const table = new UserTable();
    expect(table.touch('u', 0)).toBe(-1);
    expect(table.touch('u', 0)).toBe(0);
    expect(table.size).toBe(1);
  });

  it('doubles at load factor 0.5 and keeps every user', () => {
    const table = new UserTable(16);
    for (let i = 0; i < 8; i++) table.touch(psid(i), i);
    expect(table.capacity).toBe(16);
    table.touch(psid(8), 8);
    expect(table.capacity).toBe(32);
    for (let i = 0; i < 1_000; i++) table.touch(psid(i), i);
    expect(table.size).toBe(1_000);
    expect(table.capacity).toBe(2_048);
    for (let i = 0; i < 1_000; i++) expect(table.lastSeenMinute(psid(i))).toBe(i);
  });

  it('evicts users last seen before a minute, keeps the others, and shrinks when sparse', () => {
    const table = new UserTable(16);
    for (let i = 0; i < 1_000; i++) table.touch(psid(i), i);
    expect(table.evictOlderThan(990)).toBe(990);
    expect(table.size).toBe(10);
    expect(table.capacity).toBe(64);
    for (let i = 990; i < 1_000; i++) expect(table.lastSeenMinute(psid(i))).toBe(i);
    expect(table.lastSeenMinute(psid(5))).toBe(-1);
    expect(table.touch(psid(5), 2_000)).toBe(-1);
    expect(table.evictOlderThan(0)).toBe(0);
  });

  it('clears', () => {
    const table = new UserTable(16);
    for (let i = 0; i < 100; i++) table.touch(psid(i), i);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.capacity).toBe(16);
    expect(table.lastSeenMinute(psid(1))).toBe(-1);
  });

  it('has no 64-bit hash collision among 1,000,000 PSID-like ids', () => {
    const sequential = new UserTable(1 << 21);
    for (let i = 0; i < 1_000_000; i++) sequential.touch('1' + String(i).padStart(15, '0'), 1);
    expect(sequential.size).toBe(1_000_000);

    // Scattered 16-digit ids from a fixed LCG, as real PSIDs are.
    const scattered = new UserTable(1 << 21);
    const ids = new Set<string>();
    let seed = 12_345;
    while (ids.size < 1_000_000) {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      const high = (seed % 90_000_000) + 10_000_000;
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      const id = String(high) + String(seed % 100_000_000).padStart(8, '0');
      if (!ids.has(id)) {
        ids.add(id);
        scattered.touch(id, 1);
      }
    }
    expect(scattered.size).toBe(1_000_000);
  });

  it('holds 1,000,000 users in under 40 MB', () => {
    const table = new UserTable();
    for (let i = 0; i < 1_000_000; i++) table.touch(psid(i), 1);
    expect(table.size).toBe(1_000_000);
    expect(table.memoryBytes()).toBeLessThan(40 * 1024 * 1024);
  });
});
