import {
  claimPendingInbox,
  createPool,
  type Db,
  getJobContext,
  insertConversations,
  insertInboxEvents,
  isDatabaseUnavailable,
  isEventDataError,
  withClient,
} from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { createLogger } from '@botpulse/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyJob } from '../../apps/bot/src/pipeline/job';
import { InboxRecovery, MAX_ATTEMPTS } from '../../apps/bot/src/pipeline/recovery';
import { newPsid } from './helpers/bot';

// The inbox's bookkeeping under races and outages, on the real queries: a duplicate that raced its
// original is not counted as a new message, and claims (restarts, database blips) use up none of
// an event's attempts.
let testDb: TestDatabase;
let db: Db;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createPool(testDb.url, { max: 4 });
}, 60_000);
afterAll(async () => {
  await db?.end();
  await testDb?.drop();
});

const event = (psid: string, mid: string) => ({
  dedup_key: mid,
  sender_id: psid,
  event_ts: new Date().toISOString(),
  event: {
    sender: { id: psid },
    recipient: { id: 'page' },
    timestamp: Date.now(),
    message: { mid, text: 'hi' },
  },
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('a duplicate racing its original (PostgreSQL)', () => {
  it('is not returned as inserted (so webhook_events_total{type="message"} counts what was stored)', async () => {
    const psid = newPsid();
    const mid = `m_race_${psid}`;
    const [original] = await insertInboxEvents(db, 'bot-1', [event(psid, mid)]);
    expect(original).toBeDefined();
    // The original is being answered: its inbox row deleted and its conversation inserted, not yet committed.
    await withClient(db, async (answering) => {
      await answering.query('BEGIN');
      await answering.query(
        `INSERT INTO users (facebook_id, first_seen, last_interaction) VALUES ($1, now(), now())`,
        [psid],
      );
      await answering.query('DELETE FROM inbox WHERE id = $1', [original!.id]);
      await answering.query(
        `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                    response_time_ms, status, instance_id)
         VALUES ($1, $2, 'text', 'hi', 'hello', now(), now(), 1, 'replied', 'bot-1')`,
        [mid, psid],
      );
      // Meta's retry arrives at another bot now: its insert waits on the original's inbox row.
      const retry = insertInboxEvents(db, 'bot-2', [event(psid, mid)]);
      await new Promise((r) => setTimeout(r, 300));
      await answering.query('COMMIT');
      const inserted = await retry;
      console.log(`[figures] duplicate racing its original: ${inserted.length} counted as new`);
      expect(inserted).toEqual([]);
    });
    const { rows } = await db.query('SELECT count(*) AS n FROM inbox WHERE dedup_key = $1', [mid]);
    expect(rows[0].n).toBe(0);
  });
});

describe('an event claimed again and again (restarts, database blips)', () => {
  it('keeps its attempts: only failures of the event itself count', async () => {
    const psid = newPsid();
    const mid = `m_claims_${psid}`;
    const [row] = await insertInboxEvents(db, 'bot-1', [event(psid, mid)]);
    const dispatched: ReplyJob[] = [];
    const recovery = new InboxRecovery(
      db,
      'bot-1',
      new Set(),
      (j) => dispatched.push(j),
      createLogger('test', 'silent'),
    );
    // Every start-up claim of a bot that then could not finish (it restarted, the database went away).
    for (let i = 0; i < MAX_ATTEMPTS + 3; i++) await recovery.claim(true);
    const { rows } = await db.query('SELECT attempts, processed_at, last_error FROM inbox WHERE id = $1', [
      row!.id,
    ]);
    console.log(
      `[figures] ${MAX_ATTEMPTS + 3} claims: attempts ${rows[0].attempts}, dead ${rows[0].processed_at !== null}, dispatched ${dispatched.length}`,
    );
    expect(rows[0].processed_at).toBeNull();
    expect(dispatched.length).toBe(MAX_ATTEMPTS + 3);
    // It can still be answered.
    const ctx = await getJobContext(db, [{ psid, mid }]);
    expect(ctx[0]!.answered).toBe(false);
    const [stored] = await insertConversations(db, [
      {
        inbox_id: row!.id,
        mid,
        facebook_id: psid,
        kind: 'text',
        message_text: 'hi',
        reply_text: 'hello',
        timestamp: new Date().toISOString(),
        received_at: new Date().toISOString(),
        response_time_ms: 1,
        queue_ms: null,
        profile_ms: null,
        store_ms: null,
        generate_ms: null,
        send_ms: null,
        status: 'replied',
        error: null,
        instance_id: 'bot-1',
        profile: null,
      },
    ]);
    expect(stored!.id).toEqual(expect.any(Number));
    const claimed = await claimPendingInbox(db, {
      instanceId: 'bot-1',
      leaseSeconds: 120,
      limit: 10,
      ownGraceSeconds: 0,
      excludeIds: [],
    });
    expect(claimed.filter((c) => c.dedup_key === mid)).toEqual([]);
  });
});

describe('a conversation the database refuses for its own data', () => {
  it('is told apart from an outage (it may fail alone; an outage is retried)', async () => {
    const psid = newPsid();
    const mid = `m_nul_${psid}`;
    const [row] = await insertInboxEvents(db, 'bot-1', [event(psid, mid)]);
    const err = await insertConversations(db, [
      {
        inbox_id: row!.id,
        mid,
        facebook_id: psid,
        kind: 'text',
        message_text: 'a\u0000b',
        reply_text: 'hello',
        timestamp: new Date().toISOString(),
        received_at: new Date().toISOString(),
        response_time_ms: 1,
        queue_ms: null,
        profile_ms: null,
        store_ms: null,
        generate_ms: null,
        send_ms: null,
        status: 'replied',
        error: null,
        instance_id: 'bot-1',
        profile: null,
      },
    ]).catch((e: unknown) => e);
    expect(isEventDataError(err)).toBe(true);
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
