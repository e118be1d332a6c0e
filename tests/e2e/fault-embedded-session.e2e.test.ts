import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type EmbeddedDatabase, migrate, startEmbeddedDatabase } from '@botpulse/db';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { conversations, newPsid, textBody } from './helpers/bot';

const run = promisify(execFile);

/** psql against the embedded port (as an operator would); its exit code and output. */
async function psql(port: number, args: string[], input?: string) {
  const child = run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-X', ...args], {
    timeout: 15_000,
    env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return child.then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? 1,
      out: `${e.stdout ?? ''}${e.stderr ?? ''}`,
    }),
  );
}

// The embedded database is one PGlite session served to every client: an operator's psql or
// pg_dump must not change it for the bot, and a COPY FROM STDIN must not freeze it.
describe('embedded database shared by the services and an operator', () => {
  let embedded: EmbeddedDatabase;
  let stack: Stack;
  beforeAll(async () => {
    embedded = await startEmbeddedDatabase({ port: 0 });
    await migrate(embedded.url);
    stack = await startStack({ databaseUrl: embedded.url, admin: false });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await embedded?.stop();
  });

  const postTen = async (label: string) => {
    const psid = newPsid();
    const bodies = Array.from({ length: 10 }, (_, i) => textBody(psid, `${label} ${i}`));
    const statuses: number[] = [];
    for (const b of bodies) statuses.push((await stack.post(b.body, { timeoutMs: 20_000 })).status);
    return { mids: bodies.map((b) => b.mid), statuses };
  };

  const stored = async (mids: string[]) =>
    stack.waitFor(
      async () => {
        const rows = await conversations(stack, mids);
        return rows.length === mids.length ? rows : undefined;
      },
      `${mids.length} messages stored`,
      30_000,
    );

  it("a psql session that sets search_path does not change the bot's session", async () => {
    onTestFailed(() => console.log(stack.logs()));
    const r = await psql(embedded.port, ['-c', 'SET search_path = pg_catalog', '-c', 'SELECT 1']);
    expect(r.code).toBe(0);
    // pg_dump's way (pg_dump 15 refuses PGlite's server version 18, so its first statement by hand).
    const dump = await psql(embedded.port, ['-c', "SELECT pg_catalog.set_config('search_path', '', false)"]);
    expect(dump.code).toBe(0);
    const { mids, statuses } = await postTen('after psql');
    console.log(
      `[figures] after SET search_path: ${statuses.filter((s) => s === 200).length}/10 answered 200`,
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect((await stored(mids)).length).toBe(10);
  }, 60_000);

  it('a \\copy from stdin is refused cleanly and every client keeps working', async () => {
    onTestFailed(() => console.log(stack.logs()));
    await psql(embedded.port, ['-c', 'CREATE TABLE IF NOT EXISTS copy_target (v int)']);
    const r = await psql(embedded.port, ['-c', '\\copy copy_target from stdin'], '1\n');
    console.log(`[figures] \\copy: psql exit ${r.code}: ${r.out.trim().split('\n')[0]}`);
    expect(r.out).toMatch(/COPY FROM STDIN is not supported/);
    expect(r.out).not.toMatch(/synchronization was lost/);
    const again = await psql(embedded.port, ['-t', '-A', '-c', 'SELECT 42']);
    expect(again.out.trim()).toBe('42');
    const { mids, statuses } = await postTen('after copy');
    expect(statuses).toEqual(Array(10).fill(200));
    expect((await stored(mids)).length).toBe(10);
  }, 60_000);
});
