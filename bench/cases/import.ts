import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createPool, migrate } from '@botpulse/db';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { exportChunks, parseExportRequest } from '../../apps/admin/src/monitoring/export';
import { importExport } from '../../tools/src/bulk/import';
import { generateHistory } from '../../tools/src/history/generate';
import type { Results } from '../lib/report';
import { endProgress, progress } from '../lib/report';

/**
 * Bulk history (issue #19): `npm run history` into the case's database (rows/s), its messages
 * exported as CSV by the admin's export code, then `npm run import` of that file into an empty
 * database against a plain `COPY` of the same file into an unindexed table of the same columns, on
 * the same server in the same run (the COPY is timed before and after the import; their mean is the
 * baseline). 1M rows (--quick: 25k).
 */
export async function benchImport(databaseUrl: string, quick: boolean): Promise<Results> {
  const total = quick ? 25_000 : 1_000_000;
  const days = quick ? 30 : 180;
  const dir = await mkdtemp(join(tmpdir(), 'botpulse-bench-import-'));
  const file = join(dir, 'export.csv');
  const targetName = `${new URL(databaseUrl).pathname.slice(1)}_import`;
  const targetUrl = Object.assign(new URL(databaseUrl), { pathname: `/${targetName}` }).toString();
  const source = createPool(databaseUrl, { max: 4 });
  let target: pg.Pool | undefined;
  try {
    const history = await generateHistory(
      source,
      {
        days,
        perDay: Math.ceil(total / days),
        users: quick ? 5_000 : 50_000,
        seed: 'bench-import',
        tz: 'America/New_York',
        endMs: Date.now() - 60_000,
        batchSize: 50_000,
        instanceId: 'history',
      },
      (pr) =>
        progress(
          `import: generating ${pr.inserted.toLocaleString('en')} / ~${pr.planned.toLocaleString('en')} (${Math.round(pr.inserted / (pr.elapsedMs / 1000)).toLocaleString('en')} rows/s)`,
        ),
    );
    endProgress();
    const historyRate = history.messages / (history.ms / 1000);
    const t = history.bulk.timings;
    console.log(
      `  history: ${history.messages.toLocaleString('en')} rows in ${(history.ms / 1000).toFixed(1)} s (${Math.round(historyRate).toLocaleString('en')} rows/s; staging ${(t.stage / 1000).toFixed(1)} s, tables ${(t.move / 1000).toFixed(1)} s, indexes ${(t.indexes / 1000).toFixed(1)} s, rollups ${(t.rollups / 1000).toFixed(1)} s)`,
    );

    // The export, as the admin writes it (the same code as GET /api/monitoring/export).
    const request = parseExportRequest({
      format: 'csv',
      type: 'messages',
      from: new Date(Date.now() - (days + 2) * 86_400_000).toISOString(),
      to: new Date(Date.now() + 86_400_000).toISOString(),
      tz: 'America/New_York',
    });
    await pipeline(exportChunks(source, request), createWriteStream(file));
    const mb = (await stat(file)).size / 2 ** 20;
    console.log(`  exported ${mb.toFixed(0)} MB of CSV`);

    await source.query(`CREATE DATABASE ${targetName}`);
    await migrate(targetUrl);
    target = createPool(targetUrl, { max: 4 });

    const plainCopy = async (): Promise<number> => {
      const client = await target!.connect();
      try {
        await client.query(
          `CREATE TABLE plain_copy (id bigint, "timestamp" timestamptz, user_id text, user_name text, kind text,
                                    message_text text, reply_text text, response_time_ms float8, status text,
                                    instance_id text, model text, model_version text, input_tokens integer,
                                    cached_tokens integer, output_tokens integer, reasoning_tokens integer,
                                    finish_reason text, block_reason text, cost_usd numeric, price_version text,
                                    mid text)`,
        );
        const t0 = performance.now();
        await pipeline(
          createReadStream(file, { highWaterMark: 1 << 20 }),
          client.query(copyFrom('COPY plain_copy FROM STDIN (FORMAT csv, HEADER true)')),
        );
        const ms = performance.now() - t0;
        await client.query('DROP TABLE plain_copy');
        return ms;
      } finally {
        client.release();
      }
    };

    const copyBefore = await plainCopy();
    progress('import: importing the export…');
    const summary = await importExport(target, file, { format: 'csv' });
    endProgress();
    const copyAfter = await plainCopy();
    if (summary.inserted !== history.messages || summary.badCount > 0)
      throw new Error(
        `import stored ${summary.inserted} of ${history.messages} rows (${summary.badCount} bad: ${JSON.stringify(summary.bad.slice(0, 3))})`,
      );
    const copyMs = (copyBefore + copyAfter) / 2;
    const rate = summary.rows / (summary.ms / 1000);
    const it = summary.timings;
    console.log(
      `  plain COPY ${(copyBefore / 1000).toFixed(1)} s / ${(copyAfter / 1000).toFixed(1)} s; import ${(summary.ms / 1000).toFixed(1)} s (${Math.round(rate).toLocaleString('en')} rows/s; staging ${(it.stage / 1000).toFixed(1)} s, tables ${(it.move / 1000).toFixed(1)} s, indexes ${(it.indexes / 1000).toFixed(1)} s, rollups ${(it.rollups / 1000).toFixed(1)} s)`,
    );
    return {
      history_rows_per_s: historyRate,
      import_rows_per_s: rate,
      import_vs_copy_ratio: copyMs / summary.ms,
    };
  } finally {
    await target?.end();
    await source.query(`DROP DATABASE IF EXISTS ${targetName} WITH (FORCE)`).catch(() => {});
    await source.end();
    await rm(dir, { recursive: true, force: true });
  }
}
