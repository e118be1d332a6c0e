import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_COLUMNS } from '../../../apps/admin/src/monitoring/export';
import { ExportFileError, type ExportRecord, readExport } from './export-file';
import { readExportInWorker } from './read-worker';

// The import parses on a worker thread: what it hands over must be exactly what readExport() reads
// on the main thread (rows, bad rows and their lines, in order), however the batches fall.

let dir: string;
let big: string;

function row(i: number, over: Partial<Record<string, string>> = {}): string {
  const cells: Record<string, string> = {
    id: String(i),
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    user_id: `u${i % 97}`,
    user_name: 'Ann Lee',
    kind: 'text',
    message_text: i % 10 === 0 ? '"two\r\nlines"' : `hello ${i}`,
    reply_text: 'hi',
    response_time_ms: '12.5',
    status: 'replied',
    instance_id: 'bot-1',
    mid: `m${i}`,
    ...over,
  };
  return MESSAGE_COLUMNS.map((c) => cells[c] ?? '').join(',');
}

async function collect(gen: AsyncGenerator<ExportRecord[] | ExportRecord>): Promise<ExportRecord[]> {
  const out: ExportRecord[] = [];
  for await (const x of gen) Array.isArray(x) ? out.push(...x) : out.push(x);
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'botpulse-read-worker-'));
  big = join(dir, 'big.csv');
  const lines = [MESSAGE_COLUMNS.join(',')];
  // 12,345 rows: more batches than the worker may send ahead, and bad rows among them
  for (let i = 1; i <= 12_345; i++) lines.push(i % 1_000 === 0 ? row(i, { status: 'exploded' }) : row(i));
  await writeFile(big, `${lines.join('\r\n')}\r\n`);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('readExportInWorker', () => {
  it('hands over what readExport reads, in order, bad rows and lines included', async () => {
    let bytes = 0;
    const [inWorker, direct] = await Promise.all([
      collect(
        readExportInWorker(big, 'csv', (b) => {
          bytes = b;
        }),
      ),
      collect(readExport(big, 'csv')),
    ]);
    expect(inWorker).toHaveLength(12_345);
    expect(inWorker.filter((r) => 'bad' in r)).toHaveLength(12);
    // a two-line text every tenth row: line numbers run ahead of row numbers
    expect(inWorker.find((r) => 'bad' in r)).toEqual({
      line: 1_000 + 1 + 99,
      bad: 'status "exploded" is not one of replied, not_sent, failed',
    });
    expect(inWorker).toEqual(direct);
    expect(bytes).toBeGreaterThan(1_000_000);
  });

  it('a file that is not an export fails as on the main thread (ExportFileError, same message)', async () => {
    const file = join(dir, 'other.csv');
    await writeFile(file, 'a,b,c\r\n1,2,3\r\n');
    const err = await collect(readExportInWorker(file, 'csv')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportFileError);
    expect((err as Error).message).toContain('not a messages export: no column mid, timestamp, user_id');
  });

  it('stops the worker when the reader leaves early', async () => {
    const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
    const before = ports();
    let taken = 0;
    for await (const batch of readExportInWorker(big, 'csv')) {
      taken += batch.length;
      expect(ports()).toBe(before + 1); // the worker's
      break;
    }
    expect(taken).toBe(5_000);
    expect(ports()).toBe(before);
    // a second full read still works (nothing left behind holds the file or the thread)
    expect(await collect(readExportInWorker(big, 'csv'))).toHaveLength(12_345);
  });
});
