import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPool } from '@botpulse/db';
import { progress } from '../lib/report';

const run = promisify(execFile);

/**
 * PostgreSQL's own write ceiling on this machine, now (issue 19): `pgbench`, 8 clients on 2
 * threads, each transaction one single-row INSERT into a one-table schema, autocommit (one commit
 * per row, as a naive writer would pay). The webhook's throughput is reported against it, so a
 * loaded machine lowers both. Undefined (with a note) when pgbench is not installed
 * (Debian: postgresql-client).
 */
export async function pgInsertCeilingTps(databaseUrl: string, quick: boolean): Promise<number | undefined> {
  const db = createPool(databaseUrl, { max: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'botpulse-pgbench-'));
  try {
    await db.query(
      `CREATE TABLE bench_pg_ceiling (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), v int NOT NULL)`,
    );
    const script = join(dir, 'insert.sql');
    writeFileSync(script, `\\set v random(1, 1000000)\nINSERT INTO bench_pg_ceiling (v) VALUES (:v);\n`);
    progress('PostgreSQL ceiling: pgbench, 8 clients, single-row INSERTs');
    const seconds = quick ? 3 : 10;
    const { stdout } = await run(
      'pgbench',
      ['--no-vacuum', '--client=8', '--jobs=2', `--time=${seconds}`, `--file=${script}`, databaseUrl],
      { timeout: (seconds + 60) * 1000 },
    ).catch((err: NodeJS.ErrnoException & { stderr?: string }) => {
      if (err.code === 'ENOENT') return { stdout: '' };
      throw new Error(`pgbench failed: ${err.stderr ?? err.message}`);
    });
    if (stdout === '') {
      console.log(
        '\n  warning: pgbench is not installed (Debian: postgresql-client); pg_insert_ceiling_tps skipped',
      );
      return undefined;
    }
    const tps = /^tps = ([\d.]+)/m.exec(stdout);
    if (!tps) throw new Error(`pgbench: no "tps =" line in its output:\n${stdout}`);
    return Number(tps[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.query('DROP TABLE IF EXISTS bench_pg_ceiling').catch(() => {});
    await db.end();
  }
}
