import { backfillRollupZone, createPool, type Db, requestRollupZone } from '@botpulse/db';
import { startStack } from '@botpulse/tools/testing';
import { DateTime } from 'luxon';
import { generateHistory } from '../../tools/src/history/generate';
import {
  bytesToGrow,
  FIRST_GUESS,
  formatBytes,
  freeDiskBytes,
  measureRowBytes,
  type RowBytes,
} from '../lib/disk';
import { endProgress, formatNumber, progress } from '../lib/report';
import { type AnalyticsEndpoint, analyticsTimes } from './timeline';

const TZ = 'America/New_York';
const DAYS = 365;
/** users grow with the history: one per 100 messages (the default 10M set has 100,000) */
const MESSAGES_PER_USER = 100;

/** `--scale 1m,10m,50m` → row counts, ascending. */
export function parseScaleSizes(text: string): number[] {
  const sizes = text.split(',').map((s) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$/i.exec(s);
    if (!m) throw new Error(`--scale: "${s}" is not a size such as 500k, 1m or 10m`);
    const unit = { '': 1, k: 1_000, m: 1_000_000 }[m[2]!.toLowerCase() as '' | 'k' | 'm'];
    return Math.round(Number(m[1]) * unit);
  });
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/**
 * Issue #19's cost curve: the analytics endpoints (90 days plus the previous period, New York,
 * through HTTP) at growing history sizes, in one database that grows from one size to the next
 * (365 days; users grow with the rows). Prints the p95 per size and the largest/smallest ratio;
 * not part of results.json.
 * Before each size it checks that the database's disk can hold it (projected from the bytes a
 * stored message took so far), and stops the curve there if not, rather than fill the disk an hour
 * in. Returns whether every size was measured.
 */
export async function runAnalyticsScale(
  databaseUrl: string,
  sizes: number[],
  quick: boolean,
): Promise<boolean> {
  const db = createPool(databaseUrl, { max: 4 });
  const table: Array<{ size: number; p95: Partial<Record<AnalyticsEndpoint, number>> }> = [];
  let complete = true;
  try {
    await requestRollupZone(db, TZ);
    await backfillRollupZone(db, TZ);
    let stored = 0;
    /** what a stored message took at the last size (measured after it), for the next size's disk check */
    let perRow: RowBytes = FIRST_GUESS;
    const endMs = Date.now() - 60_000;
    for (const [i, size] of sizes.entries()) {
      if (!(await diskHolds(db, databaseUrl, stored, size, perRow))) {
        complete = false;
        break;
      }
      const add = size - stored;
      const started = performance.now();
      await generateHistory(
        db,
        {
          days: DAYS,
          perDay: Math.ceil(add / DAYS),
          users: Math.max(100, Math.round(add / MESSAGES_PER_USER)),
          seed: `scale${i}`,
          tz: TZ,
          endMs,
          batchSize: 20_000,
          instanceId: 'history',
          // the larger sizes are added to a stored history: the indexes are dropped and built once
          // again at the end (row by row, 40M rows' trigram entries would take hours)
          indexes: 'rebuild',
        },
        (pr) =>
          progress(
            `scale: generating ${(stored + pr.inserted).toLocaleString('en')} / ~${size.toLocaleString('en')} messages (${Math.round(pr.inserted / (pr.elapsedMs / 1000)).toLocaleString('en')} rows/s)`,
          ),
      );
      endProgress();
      const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM conversations');
      stored = rows[0]!.n;
      await db.query('VACUUM ANALYZE');
      perRow = await measureRowBytes(db, stored);
      console.log(
        `  ${stored.toLocaleString('en')} messages stored (+${add.toLocaleString('en')} in ${((performance.now() - started) / 1000).toFixed(0)} s); ` +
          `${formatBytes((perRow.tables + perRow.indexes) * stored)} on disk, per message ${Math.round(perRow.tables)} B of tables and ${Math.round(perRow.indexes)} B of indexes`,
      );

      // Each admin started here creates its own first admin account (with a fresh password).
      await db.query('DELETE FROM admin_users');
      const stack = await startStack({ databaseUrl, bots: 0, env: { LOG_LEVEL: 'warn' } });
      try {
        const cookie = await stack.login();
        const today = DateTime.now().setZone(TZ).startOf('day');
        const times = await analyticsTimes(
          stack,
          cookie,
          today.minus({ days: 89 }).toISODate()!,
          today.toISODate()!,
          quick ? 10 : 20,
          { 'timeline (day)': 'timeline?granularity=day&' },
        );
        table.push({
          size: stored,
          p95: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.p95])),
        });
      } finally {
        await stack.stop();
      }
    }
  } finally {
    await db.end();
  }

  if (table.length === 0) return complete;
  const names = Object.keys(table[0]?.p95 ?? {}) as AnalyticsEndpoint[];
  const first = table[0];
  const last = table[table.length - 1];
  console.log(`\n  p95 (ms) of each endpoint, 90 days + previous period in ${TZ}, by history size`);
  console.log(
    `  ${'endpoint'.padEnd(16)}${table.map((t) => sizeLabel(t.size).padStart(10)).join('')}${'ratio'.padStart(10)}`,
  );
  for (const name of names) {
    const ratio = first && last ? last.p95[name]! / first.p95[name]! : Number.NaN;
    console.log(
      `  ${name.padEnd(16)}${table.map((t) => formatNumber(t.p95[name]!).padStart(10)).join('')}${`${ratio.toFixed(2)}×`.padStart(10)}`,
    );
  }
  if (first && last)
    console.log(
      `  ratio = p95 at ${sizeLabel(last.size)} ÷ p95 at ${sizeLabel(first.size)} rows (${(last.size / first.size).toFixed(1)}× the rows)`,
    );
  return complete;
}

function sizeLabel(rows: number): string {
  return rows >= 1e6 ? `${(rows / 1e6).toFixed(1)}M` : `${Math.round(rows / 1e3)}k`;
}

/**
 * Whether the database's disk can take the history grown from `stored` to `size` messages, each
 * taking `perRow` (as measured at the last size, or a first guess); says what it needs and has when
 * not. A server whose disk this process cannot see is not checked.
 */
async function diskHolds(
  db: Db,
  databaseUrl: string,
  stored: number,
  size: number,
  perRow: RowBytes,
): Promise<boolean> {
  const free = await freeDiskBytes(db, databaseUrl);
  if (!free) return true;
  const need = bytesToGrow(stored, size, perRow);
  if (need <= free.bytes) return true;
  console.log(
    `  ✗ scale: ${sizeLabel(size)} messages need about ${formatBytes(need)} free on the database's disk ` +
      `(${free.dir}), which has ${formatBytes(free.bytes)}: the curve stops ` +
      `${stored > 0 ? `at ${sizeLabel(stored)}` : 'before it starts'}. Choose sizes that fit with --sizes (e.g. --sizes 1m,10m).`,
  );
  return false;
}
