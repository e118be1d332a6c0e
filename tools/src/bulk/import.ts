import { stat } from 'node:fs/promises';
import type { Db } from '@botpulse/db';
import type { BadRow, ExportFormat } from './export-file';
import { BulkLoader, type BulkMethod, type BulkRow, type BulkTotals } from './load';
import { readExportInWorker } from './read-worker';

export const MAX_BAD_LISTED = 1_000;

export interface ImportOptions {
  format: ExportFormat;
  /** rows per chunk (one COPY and one INSERT … SELECT, one transaction) */
  chunk?: number;
  /** force a method (default: COPY where the server takes it) */
  method?: BulkMethod;
}

export interface ImportProgress {
  /** rows read from the file so far (good and bad) */
  rows: number;
  /** of the file */
  bytes: number;
  totalBytes: number;
  elapsedMs: number;
  phase: 'load' | 'rollups';
}

export interface ImportSummary {
  file: string;
  format: ExportFormat;
  method: BulkMethod;
  /** rows in the file (header and blank lines not counted) */
  rows: number;
  /** new conversations stored */
  inserted: number;
  /** good rows whose `mid` was already stored (a second import of the same file: all of them) */
  duplicates: number;
  newUsers: number;
  /** where the database's time went (see BulkTotals) */
  timings: BulkTotals['timings'];
  rebuiltIndexes: boolean;
  /** rows skipped */
  badCount: number;
  /** the first of them (at most MAX_BAD_LISTED), by line, with the reason */
  bad: BadRow[];
  ms: number;
}

/**
 * Loads a messages export into the database: good rows in chunks through the bulk path (COPY into
 * staging, then one set-wise INSERT … SELECT; `mid` already stored: skipped), bad rows collected with
 * their line and reason and not loaded, then the rollups folded set-wise.
 */
export async function importExport(
  db: Db,
  file: string,
  options: ImportOptions,
  onProgress: (p: ImportProgress) => void = () => {},
): Promise<ImportSummary> {
  const started = performance.now();
  const totalBytes = (await stat(file)).size;
  const chunkSize = options.chunk ?? 50_000;
  const loader = new BulkLoader(db, { method: options.method });
  const bad: BadRow[] = [];
  let badCount = 0;
  let rows = 0;
  let bytes = 0;
  const progress = (phase: ImportProgress['phase']) =>
    onProgress({ rows, bytes, totalBytes, elapsedMs: performance.now() - started, phase });
  try {
    const method = await loader.open();
    let chunk: BulkRow[] = [];
    // Reading the next chunk overlaps with the database storing the previous one.
    let pending: Promise<unknown> | undefined;
    // The file is parsed on a worker thread, in parallel with this thread feeding the database.
    for await (const records of readExportInWorker(file, options.format, (b) => {
      bytes = b;
    })) {
      for (const rec of records) {
        if (++rows % 1_000 === 0) progress('load');
        if ('bad' in rec) {
          if (++badCount <= MAX_BAD_LISTED) bad.push({ line: rec.line, reason: rec.bad });
        } else chunk.push(rec.row);
        if (chunk.length >= chunkSize) {
          await pending;
          pending = loader.load(chunk);
          pending.catch(() => {});
          chunk = [];
        }
      }
    }
    await pending;
    await loader.load(chunk);
    progress('rollups');
    bad.sort((a, b) => a.line - b.line);
    const totals = await loader.finish();
    return {
      file,
      format: options.format,
      method,
      rows,
      inserted: totals.inserted,
      duplicates: totals.rows - totals.inserted,
      newUsers: totals.newUsers,
      timings: totals.timings,
      rebuiltIndexes: totals.rebuiltIndexes,
      badCount,
      bad,
      ms: performance.now() - started,
    };
  } catch (err) {
    if (loader.inserted > 0 && err instanceof Error)
      err.message += ` (${loader.inserted.toLocaleString('en')} rows were stored before this: run the import again to add the rest, stored rows are skipped)`;
    throw err;
  } finally {
    loader.release();
  }
}
