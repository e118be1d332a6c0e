import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ExportFileError, type ExportFormat, type ExportRecord, readExport } from './export-file';

// Parsing an export (CSV quoting, line counting, checking every field) costs more CPU than the
// database spends storing the rows: on the thread that also feeds COPY it was half of an import's
// load phase. readExportInWorker() runs readExport() on a worker thread instead and hands its
// records over in batches, a few batches ahead at most (the file is never read faster than it is
// stored, so memory stays bounded).

/** Records per message from the worker. */
const BATCH = 5_000;
/** Batches the worker may send before the reader has taken them. */
const AHEAD = 6;

interface Job {
  botpulseReadExport: true;
  file: string;
  format: ExportFormat;
}

type FromWorker =
  | { kind: 'records'; records: ExportRecord[]; bytes: number }
  | { kind: 'done'; bytes: number }
  | { kind: 'failed'; message: string; fileError: boolean };

/**
 * readExport() on a worker thread: the same records, in order, in batches. The worker stops when the
 * generator is left early (a load failed) or finishes.
 */
export async function* readExportInWorker(
  file: string,
  format: ExportFormat,
  onBytes: (bytes: number) => void = () => {},
): AsyncGenerator<ExportRecord[]> {
  const job: Job = { botpulseReadExport: true, file, format };
  // The worker loads this module through tsx's loader, as the main thread did.
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`,
    { eval: true, workerData: job },
  );
  const inbox: FromWorker[] = [];
  let wake: (() => void) | undefined;
  const deliver = (m: FromWorker) => {
    inbox.push(m);
    wake?.();
    wake = undefined;
  };
  worker.on('message', deliver);
  worker.on('error', (err) => deliver({ kind: 'failed', message: err.message, fileError: false }));
  worker.on('exit', (code) =>
    deliver({ kind: 'failed', message: `the export reader stopped (exit code ${code})`, fileError: false }),
  );
  try {
    for (;;) {
      if (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const m = inbox.shift()!;
      if (m.kind === 'failed') throw m.fileError ? new ExportFileError(m.message) : new Error(m.message);
      onBytes(m.bytes);
      if (m.kind === 'done') return;
      worker.postMessage('next');
      yield m.records;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

/** The worker's side: read, post in batches, wait while AHEAD batches are not taken. */
async function work(job: Job): Promise<void> {
  const port = parentPort!;
  let credits = AHEAD;
  let resume: (() => void) | undefined;
  const onNext = () => {
    credits++;
    resume?.();
    resume = undefined;
  };
  port.on('message', onNext);
  let bytes = 0;
  let batch: ExportRecord[] = [];
  const send = async () => {
    while (credits === 0) await new Promise<void>((resolve) => (resume = resolve));
    credits--;
    port.postMessage({ kind: 'records', records: batch, bytes } satisfies FromWorker);
    batch = [];
  };
  try {
    for await (const rec of readExport(job.file, job.format, (b) => {
      bytes = b;
    })) {
      batch.push(rec);
      if (batch.length >= BATCH) await send();
    }
    if (batch.length > 0) await send();
    port.postMessage({ kind: 'done', bytes } satisfies FromWorker);
  } catch (err) {
    port.postMessage({
      kind: 'failed',
      message: err instanceof Error ? err.message : String(err),
      fileError: err instanceof ExportFileError,
    } satisfies FromWorker);
  }
  // Nothing more to wait for: the thread ends once the last message is out.
  port.off('message', onNext);
}

if (!isMainThread && (workerData as Partial<Job> | null)?.botpulseReadExport) void work(workerData as Job);
