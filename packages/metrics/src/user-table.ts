import { hashUserId } from './hash';

const MAX_LOAD = 0.5;
const MIN_CAPACITY = 16;
/** Words per slot: hash high, hash low, last-seen minute + 1 (0 marks an empty slot). */
const STRIDE = 3;

function nextPowerOfTwo(n: number): number {
  let p = MIN_CAPACITY;
  while (p < n) p *= 2;
  return p;
}

/**
 * Last-seen minute per user, in an open-addressing (linear probing) hash table on one Uint32Array:
 * 12 bytes a slot, no string kept, no per-user object. A slot's three words sit side by side, so a
 * lookup in a table larger than the CPU cache usually costs one cache miss, not three.
 *
 * Users are keyed by a 64-bit hash of their id, not the id itself. Two ids sharing a hash would be
 * merged into one user; by the birthday bound that chance is about n² / 2^65: ~3e-8 for a million
 * users, ~3e-6 for ten million. That is negligible for counting, so no id is stored to tell them apart.
 */
export class UserTable {
  private readonly minCapacity: number;
  private slots: Uint32Array;
  private mask: number;
  private used = 0;
  private readonly hash = new Uint32Array(2);

  constructor(initialCapacity = 1_024) {
    this.minCapacity = nextPowerOfTwo(initialCapacity);
    this.slots = new Uint32Array(this.minCapacity * STRIDE);
    this.mask = this.minCapacity - 1;
  }

  /** Users held. */
  get size(): number {
    return this.used;
  }

  /** Slots allocated (a power of two). */
  get capacity(): number {
    return this.mask + 1;
  }

  /**
   * Records that `userId` was seen at `minute` (kept only if later than what is stored) and returns
   * the minute it was last seen before this call, or -1 for a user not in the table.
   */
  touch(userId: string, minute: number): number {
    hashUserId(userId, this.hash);
    const high = this.hash[0]!;
    const low = this.hash[1]!;
    const slots = this.slots;
    let at = (low & this.mask) * STRIDE;
    for (;;) {
      const seen = slots[at + 2]!;
      if (seen === 0) break;
      if (slots[at + 1] === low && slots[at] === high) {
        if (minute + 1 > seen) slots[at + 2] = minute + 1;
        return seen - 1;
      }
      at = at + STRIDE === slots.length ? 0 : at + STRIDE;
    }
    if (this.used + 1 > this.capacity * MAX_LOAD) {
      this.rehash(this.capacity * 2, -1);
      at = this.emptySlotFor(low);
    }
    this.put(at, high, low, minute + 1);
    return -1;
  }

  /** The minute `userId` was last seen, or -1 when it is not in the table. */
  lastSeenMinute(userId: string): number {
    hashUserId(userId, this.hash);
    const high = this.hash[0]!;
    const low = this.hash[1]!;
    const slots = this.slots;
    for (let at = (low & this.mask) * STRIDE; slots[at + 2] !== 0; at = (at + STRIDE) % slots.length) {
      if (slots[at + 1] === low && slots[at] === high) return slots[at + 2]! - 1;
    }
    return -1;
  }

  /**
   * Drops users last seen before `minMinute` by rebuilding the table (linear probing has no cheap
   * delete). Shrinks it when it has become sparse. Returns how many users were dropped.
   */
  evictOlderThan(minMinute: number): number {
    let kept = 0;
    for (let at = 2; at < this.slots.length; at += STRIDE) {
      const seen = this.slots[at]!;
      if (seen !== 0 && seen - 1 >= minMinute) kept++;
    }
    const evicted = this.used - kept;
    if (evicted === 0) return 0;
    const capacity = Math.min(this.capacity, nextPowerOfTwo(Math.max(this.minCapacity, kept * 4)));
    this.rehash(capacity, minMinute);
    return evicted;
  }

  clear(): void {
    if (this.capacity === this.minCapacity) this.slots.fill(0);
    else this.slots = new Uint32Array(this.minCapacity * STRIDE);
    this.mask = this.minCapacity - 1;
    this.used = 0;
  }

  memoryBytes(): number {
    return this.slots.byteLength + this.hash.byteLength;
  }

  private put(at: number, high: number, low: number, seenPlusOne: number): void {
    this.slots[at] = high;
    this.slots[at + 1] = low;
    this.slots[at + 2] = seenPlusOne;
    this.used++;
  }

  private emptySlotFor(low: number): number {
    let at = (low & this.mask) * STRIDE;
    while (this.slots[at + 2] !== 0) at = (at + STRIDE) % this.slots.length;
    return at;
  }

  /** Moves every user seen at or after `minMinute` into a fresh array of `capacity` slots. */
  private rehash(capacity: number, minMinute: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(capacity * STRIDE);
    this.mask = capacity - 1;
    this.used = 0;
    for (let at = 0; at < old.length; at += STRIDE) {
      const seen = old[at + 2]!;
      if (seen === 0 || seen - 1 < minMinute) continue;
      this.put(this.emptySlotFor(old[at + 1]!), old[at]!, old[at + 1]!, seen);
    }
  }
}
