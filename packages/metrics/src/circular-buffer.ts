/** Fixed-size ring of the last `size` items (plan appendix A.1); `getAll()` is oldest → newest. */
export class CircularBuffer<T> {
  readonly size: number;
  private readonly buffer: Array<T | undefined>;
  private pointer = 0;
  private filled = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`CircularBuffer size must be a positive integer, got ${size}`);
    }
    this.size = size;
    this.buffer = new Array<T | undefined>(size);
  }

  /** How many items it holds (at most `size`). */
  get count(): number {
    return this.filled;
  }

  push(item: T): void {
    this.buffer[this.pointer] = item;
    this.pointer = (this.pointer + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }

  getAll(): T[] {
    const start = this.filled < this.size ? 0 : this.pointer;
    const items: T[] = [];
    for (let i = 0; i < this.filled; i++) items.push(this.buffer[(start + i) % this.size] as T);
    return items;
  }

  clear(): void {
    this.buffer.fill(undefined);
    this.pointer = 0;
    this.filled = 0;
  }
}
