import { createPool, type Db } from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToGrow, freeDiskBytes, isLocalServer, measureRowBytes } from './disk';

const GIB = 2 ** 30;

describe('bytesToGrow', () => {
  it('needs nothing when the history is already that size', () => {
    expect(bytesToGrow(10_000_000, 10_000_000, { tables: 1_000, indexes: 800 })).toBe(0);
  });

  it('counts the added rows’ tables and the indexes of every row, which a rebuild writes again', () => {
    // 40M rows added to 10M: 40M × 1,000 B of tables + 50M × 800 B of indexes, plus 10 % and 1 GiB
    expect(bytesToGrow(10_000_000, 50_000_000, { tables: 1_000, indexes: 800 })).toBe(
      (40e9 + 40e9) * 1.1 + GIB,
    );
    // as measured at 1M messages: 50M grown from 10M needs about 48 GB, 100M about 100 GB
    const perRow = { tables: 502, indexes: 443 };
    expect(bytesToGrow(10_000_000, 50_000_000, perRow) / 1e9).toBeCloseTo(47.5, 0);
    expect(bytesToGrow(10_000_000, 100_000_000, perRow) / 1e9).toBeCloseTo(99.5, 0);
  });
});

describe('isLocalServer', () => {
  it('takes loopback addresses and sockets as this machine', () => {
    expect(isLocalServer('postgres://postgres@127.0.0.1:5432/postgres')).toBe(true);
    expect(isLocalServer('postgres://u@localhost/db')).toBe(true);
    expect(isLocalServer('postgres://u@[::1]:5432/db')).toBe(true);
    expect(isLocalServer('postgres:///db?host=/var/run/postgresql')).toBe(true);
  });

  it('takes any other host as another machine', () => {
    expect(isLocalServer('postgres://u@db.internal:5432/db')).toBe(false);
    expect(isLocalServer('postgres://u@10.0.0.7/db')).toBe(false);
    expect(isLocalServer('postgres://u@localhost.example.com/db')).toBe(false);
  });
});

describe('on a real database', () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    db = createPool(database.url, { max: 1 });
    await db.query('CREATE TABLE t (id bigint PRIMARY KEY, body text)');
    await db.query(`INSERT INTO t SELECT i, repeat('x', 200) FROM generate_series(1, 20000) i`);
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('measures what a row takes in tables and in indexes', async () => {
    const perRow = await measureRowBytes(db, 20_000);
    // 200 characters of body and a bigint key: more than 200 B a row in the table
    expect(perRow.tables).toBeGreaterThan(200);
    // the primary key's B-tree: about 16–40 B a row at 20,000 rows
    expect(perRow.indexes).toBeGreaterThan(10);
    expect(perRow.indexes).toBeLessThan(perRow.tables);
  });

  it('reads the free space of a local server’s disk, or says it cannot (the embedded database)', async () => {
    const free = await freeDiskBytes(db, database.url);
    if (database.kind === 'pglite') expect(free).toBeUndefined();
    else {
      expect(free?.dir).toMatch(/^\//);
      expect(free?.bytes).toBeGreaterThan(0);
    }
  });
});
