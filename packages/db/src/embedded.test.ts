import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded';
import { createPool, type Db } from './pool';

// Several processes share the embedded database; each has a pool of connections. Their
// parameterised statements and transactions must not run into each other on PGlite's one session.
describe('embedded database under concurrent clients', () => {
  let db: EmbeddedDatabase;
  let pools: Db[];
  beforeAll(async () => {
    db = await startEmbeddedDatabase({ port: 0 });
    // 6,000 queries queue for 40 connections: allow a long wait for a free one on a busy machine.
    pools = [0, 1].map(() => createPool(db.url, { max: 20, connectionTimeoutMs: 60_000 }));
    await pools[0]!.query('CREATE TABLE t (id serial PRIMARY KEY, v int NOT NULL)');
  });
  afterAll(async () => {
    for (const p of pools) await p.end();
    await db.stop();
  });

  it('keeps 6,000 interleaved queries with different parameter counts and transactions apart', async () => {
    const errors: string[] = [];
    let wrong = 0;
    await Promise.all(
      Array.from({ length: 6000 }, async (_, i) => {
        const pool = pools[i % 2]!;
        try {
          if (i % 3 === 0) {
            const r = await pool.query('SELECT $1::int AS a', [i]);
            if (r.rows[0].a !== i) wrong++;
          } else if (i % 3 === 1) {
            const r = await pool.query('SELECT $1::int AS a, $2::text AS b', [i, `x${i}`]);
            if (r.rows[0].a !== i || r.rows[0].b !== `x${i}`) wrong++;
          } else {
            const c = await pool.connect();
            try {
              await c.query('BEGIN');
              await c.query('INSERT INTO t (v) VALUES ($1)', [i]);
              const r = await c.query('SELECT $1::int + $2::int + $3::int AS a', [i, 1, 2]);
              if (r.rows[0].a !== i + 3) wrong++;
              await c.query(i % 4 === 0 ? 'ROLLBACK' : 'COMMIT');
            } finally {
              c.release();
            }
          }
        } catch (err) {
          errors.push((err as Error).message);
        }
      }),
    );
    expect(errors).toEqual([]);
    expect(wrong).toBe(0);
    const committed = Array.from({ length: 6000 }, (_, i) => i).filter(
      (i) => i % 3 === 2 && i % 4 !== 0,
    ).length;
    const { rows } = await pools[1]!.query('SELECT count(*) AS n FROM t');
    expect(rows[0].n).toBe(committed);
  });

  it('frees the session when a client disconnects inside a transaction', async () => {
    const c = await pools[0]!.connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO t (v) VALUES (-1)');
    c.release(new Error('drop this connection'));
    const { rows } = await pools[1]!.query('SELECT count(*) AS n FROM t WHERE v = -1');
    expect(rows[0].n).toBe(0);
  });
});

// One client's session state must not reach another (pg_dump and psql set search_path), and a
// COPY FROM STDIN must be refused without losing the protocol's sync.
describe('embedded database session isolation', () => {
  let db: EmbeddedDatabase;
  let pool: Db;
  beforeAll(async () => {
    db = await startEmbeddedDatabase({ port: 0 });
    pool = createPool(db.url, { max: 4 });
    await pool.query('CREATE TABLE t (v int)');
  });
  afterAll(async () => {
    await pool.end();
    await db.stop();
  });

  it("resets a client's SET search_path / set_config before another client's turn", async () => {
    const other = createPool(db.url, { max: 1 });
    try {
      await other.query(`SET search_path = pg_catalog`);
      await other.query(`SELECT pg_catalog.set_config('search_path', '', false)`);
      const { rows } = await pool.query('SELECT count(*) AS n FROM t');
      expect(rows[0].n).toBe(0);
    } finally {
      await other.end();
    }
  });

  it('refuses COPY FROM STDIN with SQLSTATE 0A000 and keeps answering every client', async () => {
    const c = await pool.connect();
    try {
      const err = await c
        .query('COPY t FROM STDIN')
        .catch((e: unknown) => e as { code?: string; message: string });
      expect((err as { code?: string }).code).toBe('0A000');
      expect((err as Error).message).toMatch(/COPY FROM STDIN is not supported/);
      // The same connection and every other one still work.
      expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await c.query('BEGIN');
      await expect(c.query('COPY t (v) FROM STDIN WITH (FORMAT csv)')).rejects.toMatchObject({
        code: '0A000',
      });
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    const { rows } = await pool.query('SELECT $1::int AS a', [7]);
    expect(rows[0].a).toBe(7);
  });
});
