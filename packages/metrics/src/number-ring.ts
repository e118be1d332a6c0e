/** The last `capacity` numbers on a Float64Array: `push` never allocates, reads copy out. */
export class NumberRing {
  readonly capacity: number;
  private readonly buffer: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`NumberRing capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.buffer = new Float64Array(capacity);
  }

  get count(): number {
    return this.filled;
  }

  push(value: number): void {
    this.buffer[this.next] = value;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.filled < this.capacity) this.filled++;
  }

  /** A copy, oldest → newest. */
  values(): Float64Array {
    if (this.filled < this.capacity) return this.buffer.slice(0, this.filled);
    const out = new Float64Array(this.capacity);
    out.set(this.buffer.subarray(this.next), 0);
    out.set(this.buffer.subarray(0, this.next), this.capacity - this.next);
    return out;
  }

  /** A copy sorted ascending, ready for `percentile`. */
  sortedCopy(): Float64Array {
    return this.buffer.slice(0, this.filled).sort();
  }

  /** 0 when empty. */
  mean(): number {
    if (this.filled === 0) return 0;
    let sum = 0;
    for (let i = 0; i < this.filled; i++) sum += this.buffer[i]!;
    return sum / this.filled;
  }

  clear(): void {
    this.buffer.fill(0);
    this.next = 0;
    this.filled = 0;
  }

  memoryBytes(): number {
    return this.buffer.byteLength;
  }
}
