import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded';
import { createPool, type Db, hotStatement } from './pool';
import { createTestDatabase, type TestDatabase } from './testing';

// Hot statements are parsed and planned once per connection on a PostgreSQL server, and stay
// unnamed on the embedded database, where every connection shares PGlite's one session.
const HOT = hotStatement('SELECT $1::int + 1 AS next');
const COLD = 'SELECT $1::int + 2 AS next';

/** the prepared statements of the one connection a `max: 1` pool has */
async function prepared(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ statement: string }>(
    'SELECT statement FROM pg_prepared_statements ORDER BY statement',
  );
  return rows.map((r) => r.statement);
}

describe('hot statements on a PostgreSQL server', () => {
  let server: TestDatabase | undefined;
  beforeAll(async () => {
    if (process.env.TEST_DATABASE_URL) server = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await server?.drop();
  });

  it.runIf(process.env.TEST_DATABASE_URL)(
    'are prepared once per connection (one generic plan where asked); other statements are not',
    async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      const db = createPool(server!.url, { max: 1, prepareHot: true, genericPlans: true });
      try {
        for (let i = 0; i < 8; i++) {
          expect((await db.query(HOT, [i])).rows[0].next).toBe(i + 1);
          expect((await db.query(COLD, [i])).rows[0].next).toBe(i + 2);
        }
        // the callback form (pg-pool's own) takes the same path
        const viaCallback = await new Promise<number>((resolve, reject) =>
          db.query(HOT, [41], (err, r) => (err ? reject(err) : resolve(r.rows[0].next))),
        );
        expect(viaCallback).toBe(42);
        expect(await prepared(db)).toEqual([HOT]);
        const { rows } = await db.query<{ generic_plans: number; custom_plans: number }>(
          'SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements',
        );
        expect(rows[0]).toEqual({ generic_plans: expect.any(Number), custom_plans: 0 });
        expect(rows[0]!.generic_plans).toBeGreaterThan(0);
        // learning the server's kind never queues a query behind another (pg warns about that)
        await new Promise((r) => setImmediate(r));
        expect(warnings).toEqual([]);
      } finally {
        process.off('warning', onWarning);
        await db.end();
      }
      // Without genericPlans the session keeps PostgreSQL's own choice, for every other statement's sake
      // (an analytics query over a time range needs its custom plan).
      const hotOnly = createPool(server!.url, { max: 1, prepareHot: true });
      try {
        await hotOnly.query(HOT, [1]);
        expect(await prepared(hotOnly)).toEqual([HOT]);
        expect((await hotOnly.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('auto');
      } finally {
        await hotOnly.end();
      }
      // A pool without the options prepares nothing.
      const plain = createPool(server!.url, { max: 1 });
      try {
        await plain.query(HOT, [1]);
        await plain.query(HOT, [2]);
        expect(await prepared(plain)).toEqual([]);
      } finally {
        await plain.end();
      }
    },
  );
});

describe('hot statements on the embedded database', () => {
  let embedded: EmbeddedDatabase;
  beforeAll(async () => {
    embedded = await startEmbeddedDatabase({ port: 0 });
  });
  afterAll(async () => {
    await embedded.stop();
  });

  it('stay unnamed, so connections sharing the one session never collide on a name', async () => {
    const pools = [0, 1].map(() => createPool(embedded.url, { max: 4, prepareHot: true }));
    try {
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, i) => pools[i % 2]!.query(HOT, [i]).then((r) => r.rows[0].next)),
      );
      expect(results).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
      // A statement prepared by name on the session would show here (PREPARE-d or protocol-level).
      const check = new pg.Client({ connectionString: embedded.url });
      await check.connect();
      try {
        const { rows } = await check.query('SELECT count(*)::int AS n FROM pg_prepared_statements');
        expect(rows[0].n).toBe(0);
      } finally {
        await check.end();
      }
    } finally {
      for (const p of pools) await p.end();
    }
  });
});
