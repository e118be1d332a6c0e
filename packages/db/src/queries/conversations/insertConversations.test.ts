import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Db } from '../../pool';
import { insertInboxEvents } from '../inbox/insertInboxEvents';
import { insertConversations, type NewConversation } from './insertConversations';

// The bot reports what it stored to the admin, which shows it as it came: the user name it
// returns must be the stored one, the same the live feed reads from the rows.

let tdb: TestDatabase;
let db: Db;
beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPool(tdb.url, { max: 2 });
});
afterAll(async () => {
  await db?.end();
  await tdb?.drop();
});

let seq = 0;
async function answered(psid: string, profile: NewConversation['profile']): Promise<NewConversation> {
  const mid = `m_names_${seq++}`;
  const now = new Date().toISOString();
  const [inbox] = await insertInboxEvents(db, 'bot-1', [
    { dedup_key: mid, sender_id: psid, event_ts: now, event: { message: { mid, text: 'hi' } } },
  ]);
  return {
    inbox_id: inbox!.id,
    mid,
    facebook_id: psid,
    kind: 'text',
    message_text: 'hi',
    reply_text: 'hello',
    timestamp: now,
    received_at: now,
    response_time_ms: 5,
    queue_ms: 0,
    profile_ms: 0,
    store_ms: 0,
    generate_ms: 0,
    send_ms: 0,
    status: 'replied',
    error: null,
    instance_id: 'bot-1',
    profile,
  };
}

/** the name the live feed reads for a stored row (FEED_COLUMNS' rule) */
async function feedName(psid: string): Promise<string | null> {
  const { rows } = await db.query<{ n: string | null }>(
    `SELECT nullif(concat_ws(' ', first_name, last_name), '') AS n FROM users WHERE facebook_id = $1`,
    [psid],
  );
  return rows[0]!.n;
}

describe('insertConversations: the user name of each stored message', () => {
  it("is the stored one, also for a message whose own profile fetch failed (another one's succeeded)", async () => {
    const psid = '6500000000000101';
    const ann = { first_name: 'Ann', last_name: 'Lee', profile_pic: null };
    const result = await insertConversations(db, [await answered(psid, ann), await answered(psid, null)]);
    expect(result.map((r) => r.user_name)).toEqual(['Ann Lee', 'Ann Lee']);
    expect(await feedName(psid)).toBe('Ann Lee');
    // Later, without a fetch: still the stored name.
    const [later] = await insertConversations(db, [await answered(psid, null)]);
    expect(later!.user_name).toBe('Ann Lee');
  });

  it('is null for a user without a stored name, and for a message not stored (a retry)', async () => {
    const psid = '6500000000000102';
    const row = await answered(psid, null);
    const [first] = await insertConversations(db, [row]);
    expect(first).toMatchObject({ user_name: null, new_user: true });
    expect(first!.id).not.toBeNull();
    const [retry] = await insertConversations(db, [row]);
    expect(retry).toMatchObject({ id: null, user_name: null });
  });

  it('joins only a last name the way the feed does', async () => {
    const psid = '6500000000000103';
    const [r] = await insertConversations(db, [
      await answered(psid, { first_name: null, last_name: 'Okafor', profile_pic: null }),
    ]);
    expect(r!.user_name).toBe('Okafor');
    expect(r!.user_name).toBe(await feedName(psid));
  });
});
