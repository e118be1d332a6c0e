/**
 * `length` consecutive time buckets (minutes, hours or days) held in parallel Float64Array columns.
 * A bucket is named by its index: whole bucket widths since the epoch, e.g. `Math.floor(ms / 3_600_000)`.
 * The ring holds the buckets `newestIndex - length + 1 ..= newestIndex`; moving forward zeroes the
 * buckets skipped over, however long the gap.
 *
 * Columns are allocated to the next power of two so a slot is `index & mask`: an integer division
 * (`%`) costs several ns and the hot path would pay it five times per message.
 */
export class TimeRing<K extends string> {
  readonly length: number;
  readonly columns: Readonly<Record<K, Float64Array>>;
  private readonly all: Float64Array[];
  private readonly mask: number;
  private newest = -1;

  constructor(length: number, names: readonly K[]) {
    if (!Number.isInteger(length) || length < 1) {
      throw new RangeError(`TimeRing length must be a positive integer, got ${length}`);
    }
    this.length = length;
    let capacity = 1;
    while (capacity < length) capacity *= 2;
    this.mask = capacity - 1;
    this.all = names.map(() => new Float64Array(capacity));
    this.columns = Object.fromEntries(names.map((name, i) => [name, this.all[i]])) as Record<K, Float64Array>;
  }

  /** Index of the newest bucket held; -1 before the first `advance`. */
  get newestIndex(): number {
    return this.newest;
  }

  /** Makes `index` the newest bucket, zeroing every bucket between; a no-op when it is not newer. */
  advance(index: number): void {
    if (index <= this.newest) return;
    if (index - this.newest > this.mask) {
      for (const column of this.all) column.fill(0);
    } else {
      for (let i = this.newest + 1; i <= index; i++) {
        const slot = i & this.mask;
        for (const column of this.all) column[slot] = 0;
      }
    }
    this.newest = index;
  }

  /** Array position of bucket `index`, or -1 when it is not held (too old, or newer than the newest). */
  slotOf(index: number): number {
    if (index > this.newest || index <= this.newest - this.length || index < 0) return -1;
    return index & this.mask;
  }

  /** `advance(index)` then `slotOf(index)`: where a new observation at `index` goes, or -1 if too old. */
  claim(index: number): number {
    if (index > this.newest) this.advance(index);
    return this.slotOf(index);
  }

  /** Value of bucket `index` in `column`; 0 for a bucket not held. */
  value(column: K, index: number): number {
    const slot = this.slotOf(index);
    return slot < 0 ? 0 : this.columns[column][slot]!;
  }

  /** Sum of `column` over the `count` newest buckets. */
  sumLatest(column: K, count: number): number {
    let sum = 0;
    const n = Math.min(count, this.length);
    for (let i = 0; i < n; i++) sum += this.value(column, this.newest - i);
    return sum;
  }

  clear(): void {
    for (const column of this.all) column.fill(0);
    this.newest = -1;
  }

  memoryBytes(): number {
    let bytes = 0;
    for (const column of this.all) bytes += column.byteLength;
    return bytes;
  }
}
