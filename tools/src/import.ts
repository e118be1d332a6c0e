import { parseArgs } from 'node:util';
import { createPool, migrate } from '@botpulse/db';
import { commonEnvShape, exitOnStartupError, parseEnv, resolveDatabaseUrl } from '@botpulse/runtime';
import { z } from 'zod';
import { formatOf } from './bulk/export-file';
import { importExport, MAX_BAD_LISTED } from './bulk/import';
import { describeTimings } from './bulk/load';
import { redact } from './supervisor/wait';

const HELP = `npm run import -- FILE [options]   load conversations from a messages export

FILE is a file written by the dashboard's export (GET /api/monitoring/export?type=messages),
CSV or JSON. Every row becomes a conversation (and its user, created or completed as the bot
would); a row whose mid is already stored is skipped, so importing the same file twice adds
nothing. Rows that cannot be loaded are skipped and listed by line with the reason; the good
ones are loaded. The analytics rollups are built after the load.

  --format <csv|json>  the file's format                   (default: from the name, .csv or .json)
  --allow-bad-rows     exit 0 even when rows were skipped as bad
  --chunk <n>          rows per transaction                (default 50000)
  --database-url       PostgreSQL URL (default DATABASE_URL, else the embedded database)
  -h, --help

Progress (rows/s, time left) goes to stderr, the summary to stdout.
Exit status: 0 every row loaded or already stored; 2 some rows were bad (0 with
--allow-bad-rows); 1 the import failed (rows committed before the failure stay: run it again).`;

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      format: { type: 'string' },
      'allow-bad-rows': { type: 'boolean' },
      chunk: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new Error('give exactly one FILE to import (--help for usage)');
  const file = positionals[0]!;
  const format = formatOf(file, values.format);
  const chunk = values.chunk === undefined ? 50_000 : Number(values.chunk.replace(/_/g, ''));
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > 1_000_000)
    throw new Error('--chunk must be a whole number from 1 to 1000000');
  const env = parseEnv(z.object(commonEnvShape));
  const url = values['database-url'] ?? resolveDatabaseUrl(env).url;
  await migrate(url);
  const db = createPool(url, { max: 2, applicationName: 'botpulse-import' });
  const tty = process.stderr.isTTY;
  let lastLine = Number.NEGATIVE_INFINITY;
  try {
    console.error(`Importing ${file} (${format}) into ${redact(url)}`);
    const summary = await importExport(db, file, { format, chunk }, (p) => {
      const s = p.elapsedMs / 1000;
      const rate = p.rows / Math.max(s, 1e-3);
      const done = p.totalBytes > 0 ? p.bytes / p.totalBytes : 1;
      const eta = done > 0 ? (s / done) * (1 - done) : 0;
      const line =
        p.phase === 'rollups'
          ? `  ${fmt(p.rows)} rows read · building the indexes and the analytics rollups…`
          : `  ${fmt(p.rows)} rows · ${(done * 100).toFixed(1)} % · ${fmt(rate)} rows/s · ${fmt(eta)} s left`;
      if (tty) process.stderr.write(`\r${line}   `);
      else if (p.phase === 'rollups' || performance.now() - lastLine > 5_000) {
        lastLine = performance.now();
        console.error(line);
      }
    });
    if (tty) process.stderr.write('\n');
    for (const b of summary.bad) console.error(`  line ${b.line}: ${b.reason}`);
    if (summary.badCount > MAX_BAD_LISTED)
      console.error(`  … and ${fmt(summary.badCount - MAX_BAD_LISTED)} more bad rows`);
    const secs = summary.ms / 1000;
    console.log(
      `Done: ${fmt(summary.rows)} rows read in ${secs.toFixed(1)} s (${fmt(summary.rows / Math.max(secs, 1e-3))} rows/s, ${summary.method === 'copy' ? 'COPY' : 'INSERT'}): ` +
        `${fmt(summary.inserted)} stored, ${fmt(summary.duplicates)} already stored (same mid), ` +
        `${fmt(summary.badCount)} bad rows skipped, ${fmt(summary.newUsers)} new users`,
    );
    console.log(`  ${describeTimings(summary)}`);
    if (summary.badCount > 0 && !values['allow-bad-rows']) return 2;
    return 0;
  } finally {
    await db.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => exitOnStartupError('import', err),
);
