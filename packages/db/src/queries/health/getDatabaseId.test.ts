import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../pool';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { getDatabaseId } from './getDatabaseId';

describe('getDatabaseId', () => {
  let tdb: TestDatabase;
  let other: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    [tdb, other] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    db = createPool(tdb.url);
  });
  afterAll(async () => {
    await db.end();
    await Promise.all([tdb.drop(), other.drop()]);
  });

  it('is the same over every connection to a database and differs for another one', async () => {
    const again = createPool(tdb.url);
    const elsewhere = createPool(other.url);
    try {
      const id = await getDatabaseId(db);
      expect(id).toMatch(/^[0-9a-f-]{36}\/\d+\/\d+$/);
      expect(await getDatabaseId(again)).toBe(id);
      expect(await getDatabaseId(elsewhere)).not.toBe(id);
    } finally {
      await again.end();
      await elsewhere.end();
    }
  });

  it('makes a new id, once, when the row is gone', async () => {
    const before = await getDatabaseId(db);
    await db.query('DELETE FROM database_identity');
    const ids = await Promise.all(Array.from({ length: 5 }, () => getDatabaseId(db)));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).not.toBe(before);
    expect(await getDatabaseId(db)).toBe(ids[0]);
  });

  // A copy carries the random id of the row, not the database's oid: a bot on a clone of this
  // database is not taken for one on this database. (A server-side clone: PostgreSQL only.)
  it.runIf(Boolean(process.env.TEST_DATABASE_URL))('differs for a clone of the database', async () => {
    const source = new URL(tdb.url).pathname.slice(1);
    const clone = `${source}_clone`;
    const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await server.connect();
    try {
      const id = await getDatabaseId(db);
      await db.end(); // a template must have no other session
      await server.query(`CREATE DATABASE ${clone} TEMPLATE ${source}`);
      const cloneUrl = Object.assign(new URL(tdb.url), { pathname: `/${clone}` }).toString();
      const cloned = createPool(cloneUrl);
      try {
        const cloneId = await getDatabaseId(cloned);
        expect(cloneId.split('/')[0]).toBe(id.split('/')[0]);
        expect(cloneId).not.toBe(id);
      } finally {
        await cloned.end();
      }
    } finally {
      await server.query(`DROP DATABASE IF EXISTS ${clone} WITH (FORCE)`);
      await server.end();
      db = createPool(tdb.url);
    }
  });
});
