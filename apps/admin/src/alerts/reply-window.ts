import {
  type Db,
  getReplyWindowRows,
  getReplyWindowRowsAfter,
  getReplyWindowStats,
  type ReplyWindowRows,
  type ReplyWindowStats,
} from '@botpulse/db';

/** Windows up to this long are kept in memory (30 min at 1,000 msg/s: 1.8M rows, ~31 MB). */
export const MAX_KEPT_WINDOW_S = 1_800;
/** rows read per query when catching up by id */
const PAGE = 20_000;

/** Rows read in one go: event times (epoch ms), response times, failed flags. */
interface Chunk {
  ts: Float64Array;
  responseMs: Float64Array;
  failed: Uint8Array;
  /** the newest event time in it: the chunk goes once that leaves the window */
  newestMs: number;
}

/**
 * The alert rules' reply window (messages, failed replies, p95 response time over the last N
 * seconds), kept in memory and brought up to date by id, so that a tick reads only the rows stored
 * since the last one instead of the whole window (600,000 rows at 1,000 msg/s: ~230 ms of the
 * database every tick). Exact, as the SQL it replaces: the same rows by the database's clock,
 * `percentile_disc(0.95)`. A data-protection delete (counted in `rollup_version.deletions`) makes it
 * read the whole window again; so does a longer window than the one kept, or a gap longer than the
 * window (this admin was not evaluating). Windows over `MAX_KEPT_WINDOW_S` are counted by the
 * database each time.
 */
export class ReplyWindow {
  private chunks: Chunk[] = [];
  private keptS = 0;
  private deletions = -1;
  private lastId = 0;
  private nowMs = 0;
  private refreshing: Promise<void> | undefined;
  /** rows read from the database so far (the test and the note: what a tick costs) */
  rowsRead = 0;

  constructor(private readonly db: Db) {}

  /** Brings the window up to date once; the stats of a tick are then computed from memory. */
  private refresh(windowS: number): Promise<void> {
    this.refreshing ??= this.catchUp(windowS).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  async stats(windowS: number): Promise<ReplyWindowStats> {
    if (windowS > MAX_KEPT_WINDOW_S) return getReplyWindowStats(this.db, windowS);
    await this.refresh(windowS);
    // A refresh for a shorter window was already under way: one more, which reads the longer one.
    if (this.keptS < windowS) await this.refresh(windowS);
    return this.compute(windowS);
  }

  private async catchUp(windowS: number): Promise<void> {
    if (this.keptS < windowS) return this.reload(windowS);
    for (let first = true; ; first = false) {
      const page = await getReplyWindowRowsAfter(this.db, this.lastId, this.keptS, PAGE);
      // Deleted rows; or more to read by id than the window holds (too long since the last read,
      // or a bulk import of old rows): one read of the window is then the cheaper way.
      const behind = page.maxId - this.lastId;
      if (
        page.deletions !== this.deletions ||
        page.nowMs - this.nowMs > this.keptS * 1000 ||
        (first && behind > PAGE && behind > this.keptRows())
      )
        return this.reload(this.keptS);
      this.add(page);
      this.nowMs = page.nowMs;
      this.lastId = page.lastId;
      this.rowsRead += page.read;
      if (page.read < PAGE) break;
    }
    const oldest = this.nowMs - this.keptS * 1000;
    this.chunks = this.chunks.filter((c) => c.newestMs > oldest);
  }

  private async reload(windowS: number): Promise<void> {
    const all = await getReplyWindowRows(this.db, windowS);
    this.chunks = [];
    this.add(all);
    this.keptS = windowS;
    this.deletions = all.deletions;
    this.lastId = all.lastId;
    this.nowMs = all.nowMs;
    this.rowsRead += all.ts.length;
  }

  /** The database time of the last read: the window ends there. */
  get asOfMs(): number {
    return this.nowMs;
  }

  /** Lets the memory go (this admin stopped evaluating); the next use reads the window whole. */
  forget(): void {
    this.chunks = [];
    this.keptS = 0;
  }

  private keptRows(): number {
    let n = 0;
    for (const c of this.chunks) n += c.ts.length;
    return n;
  }

  private add(rows: ReplyWindowRows): void {
    const { ts, responseMs, failed } = rows;
    if (ts.length === 0) return;
    this.chunks.push({ ts, responseMs, failed, newestMs: ts.reduce((a, b) => Math.max(a, b)) });
  }

  private compute(windowS: number): ReplyWindowStats {
    const after = this.nowMs - windowS * 1000;
    const values = new Float64Array(this.keptRows());
    let n = 0;
    let failed = 0;
    for (const c of this.chunks) {
      if (c.newestMs <= after) continue;
      for (let i = 0; i < c.ts.length; i++) {
        if (c.ts[i]! <= after) continue;
        values[n++] = c.responseMs[i]!;
        failed += c.failed[i]!;
      }
    }
    // percentile_disc(0.95): the first value whose cumulative share reaches 95 %
    const p95 = n === 0 ? null : select(values.subarray(0, n), Math.ceil(0.95 * n) - 1);
    return { messages: n, failed, p95_ms: p95 };
  }
}

/** The k-th smallest value (0-based), in place, in linear time on average (Hoare's selection). */
export function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
