import { createPool, type Db } from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import type { FeedMessage } from '@botpulse/protocol';
import { createLogger } from '@botpulse/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FeedTail } from './feed-tail';

// The live feed emits a bot's report as it came when it carries on from the last id emitted, and
// reads the rows otherwise. Which of the two happened shows in the text: a report's messages say
// "reported", the rows in the database say "stored".

const log = createLogger('test', 'silent');
let tdb: TestDatabase;
let db: Db;
let seq = 0;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPool(tdb.url, { max: 2 });
});
afterAll(async () => {
  await db?.end();
  await tdb?.drop();
});

let feeds: FeedTail[] = [];
afterEach(() => {
  for (const f of feeds) f.stop();
  feeds = [];
});

/** a feed on this database (its slow poll out of the way), and what it emits */
async function startFeed(watched = () => true) {
  const emitted: FeedMessage[] = [];
  const feed = new FeedTail(db, (m) => emitted.push(m), log, watched);
  feeds.push(feed);
  await feed.start(3_600_000);
  return { feed, emitted };
}

/** `n` rows of `user` stored in the database; returns their ids */
async function store(n: number, user = 'u1'): Promise<number[]> {
  await db.query(
    `INSERT INTO users (facebook_id, first_name, last_name, first_seen, last_interaction)
     VALUES ($1, 'Ann', 'Lee', now(), now()) ON CONFLICT DO NOTHING`,
    [user],
  );
  seq += 1000;
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                response_time_ms, status, instance_id)
     SELECT 'f' || ($2::int + g), $1, 'text', 'stored', 'hi', '2026-12-07T10:00:00Z', now(), 5, 'replied', 'bot-1'
       FROM generate_series(1, $3::int) g
     RETURNING id`,
    [user, seq, n],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** a bot's report of these ids */
const reported = (ids: number[], user = 'u1'): FeedMessage[] =>
  ids.map((id) => ({
    id,
    user_id: user,
    user_name: 'Ann Lee',
    message_text: 'reported',
    reply_text: 'hi',
    timestamp: '2026-12-07T10:00:00.000Z',
    response_time: 5,
    instance_id: 'bot-1',
    status: 'replied',
    kind: 'text',
  }));

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('FeedTail', () => {
  it('emits a report that carries on from the last id as it came, without reading the rows', async () => {
    const [before] = await store(1);
    const { feed, emitted } = await startFeed();
    expect(feed.lastId).toBe(before);
    const ids = await store(3);
    feed.offer(reported(ids));
    expect(emitted.map((m) => [m.id, m.message_text])).toEqual(ids.map((id) => [id, 'reported']));
    expect(feed.lastId).toBe(ids.at(-1));
    expect(feed.recent.slice(0, 3).map((m) => m.id)).toEqual([...ids].reverse());
    // Told again (a second admin's poke, a repeated frame): nothing is emitted twice.
    feed.offer(reported(ids));
    expect(emitted).toHaveLength(3);
  });

  it('reads the rows when a report does not follow on: a gap, or another bot first', async () => {
    const { feed, emitted } = await startFeed();
    const ids = await store(5);
    // Ids 3..5 arrive first (the report of 1..2 is still on its way from another bot).
    feed.offer(reported(ids.slice(2)));
    await until(() => emitted.length === 5, 'the rows read');
    expect(emitted.map((m) => [m.id, m.message_text])).toEqual(ids.map((id) => [id, 'stored']));
    // The late report is behind the feed by then: dropped.
    feed.offer(reported(ids.slice(0, 2)));
    // A report that carries on again is emitted as it came.
    const next = await store(1);
    feed.offer(reported(next));
    expect(emitted.map((m) => m.message_text)).toEqual([...Array(5).fill('stored'), 'reported']);
  });

  it('reads the rows when a report skips an id within itself', async () => {
    const { feed, emitted } = await startFeed();
    const ids = await store(3);
    feed.offer(reported([ids[0]!, ids[2]!]));
    await until(() => emitted.length === 3, 'the rows read');
    expect(emitted.map((m) => m.message_text)).toEqual(['stored', 'stored', 'stored']);
  });

  it('reads the rows, not the report, for a user deleted lately: gone messages stay hidden, new ones show', async () => {
    const { feed, emitted } = await startFeed();
    const gone = await store(2, 'u-gone');
    await db.query(`DELETE FROM conversations WHERE facebook_id = 'u-gone'`);
    feed.forgetUser('u-gone');
    // The user writes again after the deletion: that row is real and must show.
    const back = await store(1, 'u-gone');
    const kept = await store(1, 'u-kept');
    feed.offer([...reported(gone, 'u-gone'), ...reported(back, 'u-gone'), ...reported(kept, 'u-kept')]);
    await until(() => emitted.length === 2, 'the rows read');
    expect(emitted.map((m) => [m.id, m.user_id, m.message_text])).toEqual([
      [back[0], 'u-gone', 'stored'],
      [kept[0], 'u-kept', 'stored'],
    ]);
    expect(feed.lastId).toBe(kept[0]);
  });

  it('ignores reports while no dashboard watches the feed', async () => {
    let watched = false;
    const { feed, emitted } = await startFeed(() => watched);
    const start = feed.lastId;
    const ids = await store(2);
    feed.offer(reported(ids));
    expect(emitted).toEqual([]);
    expect(feed.lastId).toBe(start);
    watched = true;
    feed.offer(reported(ids));
    expect(emitted.map((m) => m.id)).toEqual(ids);
  });
});
