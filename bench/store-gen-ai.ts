import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, insertConversations, insertInboxEvents, type NewConversation } from '@botpulse/db';
import { createTestDatabase } from '@botpulse/db/testing';
import { ROOT } from '@botpulse/tools/testing';

/**
 * What the Gemini columns (migration 011) cost the conversation write path: store_conversations()
 * rows/s in one process and one database, rounds interleaved so machine load hits every variant
 * alike:
 *   A: migration 008's function (installed under another name), no Gemini fields;
 *   B: the current function with rule replies (Gemini fields null);
 *   C: the current function with Gemini replies (all ten fields set).
 * `npx tsx bench/store-gen-ai.ts [rounds]` (BENCH_DATABASE_URL or TEST_DATABASE_URL, else PGlite).
 */
const BATCH = 500;
const BATCHES_PER_ROUND = 4;
const rounds = Number(process.argv[2] ?? 12);

async function main() {
  const tdb = await createTestDatabase({
    serverUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL,
    prefix: 'botpulse_bench_store',
  });
  const db = createPool(tdb.url, { max: 2 });
  try {
    // Migration 008's definition, renamed: the write path before this change.
    const sql = readFileSync(join(ROOT, 'packages/db/migrations/008_stage_times.sql'), 'utf8');
    const up = sql.slice(sql.indexOf('CREATE OR REPLACE FUNCTION'), sql.indexOf('-- Down Migration'));
    await db.query(up.replace('FUNCTION store_conversations(', 'FUNCTION store_conversations_008('));

    let n = 0;
    const rows = async (gemini: boolean): Promise<NewConversation[]> => {
      const batch = Array.from({ length: BATCH }, () => {
        n++;
        return { mid: `m${n}`, psid: `u${n % 5000}` };
      });
      const inbox = await insertInboxEvents(
        db,
        'bench',
        batch.map((b) => ({
          dedup_key: b.mid,
          sender_id: b.psid,
          event_ts: new Date().toISOString(),
          event: null,
        })),
      );
      const ids = new Map(inbox.map((r) => [r.dedup_key, r.id]));
      const now = new Date().toISOString();
      return batch.map((b) => ({
        inbox_id: ids.get(b.mid)!,
        mid: b.mid,
        facebook_id: b.psid,
        kind: 'text',
        message_text: 'What are your opening hours on Saturday?',
        reply_text: 'We are open from 9:00 to 14:00 on Saturdays.',
        timestamp: now,
        received_at: now,
        response_time_ms: 812.5,
        queue_ms: 0.2,
        profile_ms: 0,
        store_ms: 3.1,
        generate_ms: 700.4,
        send_ms: 100.2,
        status: 'replied',
        error: null,
        instance_id: 'bench',
        profile: null,
        ...(gemini
          ? {
              model: 'gemini-2.5-flash',
              model_version: 'gemini-2.5-flash-001',
              input_tokens: 1234,
              cached_tokens: 1000,
              output_tokens: 56,
              reasoning_tokens: 120,
              finish_reason: 'STOP',
              block_reason: null,
              cost_usd: 0.0005002,
              price_version: '2026-12-05',
            }
          : {}),
      }));
    };
    const old = async (batch: NewConversation[]) => {
      await db.query('SELECT count(*) FROM store_conversations_008($1::jsonb)', [
        JSON.stringify(batch.map((r, i) => ({ ...r, n: i }))),
      ]);
    };
    const variants = {
      'A 008 function, no Gemini fields': { gemini: false, store: old },
      'B 011 function, rule replies (null)': {
        gemini: false,
        store: (b: NewConversation[]) => insertConversations(db, b),
      },
      'C 011 function, Gemini replies (10 fields)': {
        gemini: true,
        store: (b: NewConversation[]) => insertConversations(db, b),
      },
    };
    const rates: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    // one warm-up round, not counted
    for (let r = -1; r < rounds; r++) {
      for (const [name, v] of Object.entries(variants)) {
        let ms = 0;
        for (let i = 0; i < BATCHES_PER_ROUND; i++) {
          const batch = await rows(v.gemini);
          const t = performance.now();
          await v.store(batch);
          ms += performance.now() - t;
        }
        if (r >= 0) rates[name]!.push((BATCH * BATCHES_PER_ROUND) / (ms / 1000));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = median(rates['A 008 function, no Gemini fields']!);
    console.log(
      `store_conversations, ${tdb.kind}, ${rounds} rounds × ${BATCHES_PER_ROUND} × ${BATCH} rows per variant`,
    );
    for (const [name, xs] of Object.entries(rates)) {
      const m = median(xs);
      console.log(
        `  ${name.padEnd(44)} ${Math.round(m).toLocaleString('en').padStart(8)} rows/s  (×${(m / base).toFixed(3)} of A)`,
      );
    }
  } finally {
    await db.end();
    await tdb.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
