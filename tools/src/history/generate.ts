import { type Db, foldRollupQueue } from '@botpulse/db';
import { nameForPsid } from '../simulator/names';
import { createPopulation, WeightedPicker } from '../simulator/population';
import { createRng, type Rng } from '../simulator/random';
import { rhythmFactor } from '../simulator/rhythm';
import { PAGE_REPLIES, userText } from '../simulator/texts';
import { historyCost, historyGenAi, loadShippedPrices } from './gen-ai';

export interface HistoryOptions {
  /** days of history ending at `endMs` */
  days: number;
  /** average user messages per day (weekends, trend, noise and a few spikes vary it) */
  perDay: number;
  users: number;
  seed: string;
  /** zone of the daily rhythm (quiet nights, busy evenings) */
  tz: string;
  endMs: number;
  batchSize: number;
  /** conversations.instance_id of the generated rows */
  instanceId: string;
}

export interface HistoryProgress {
  inserted: number;
  planned: number;
  elapsedMs: number;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Columns of one INSERT … SELECT FROM unnest(…) batch. */
class Batch {
  mid: string[] = [];
  user: string[] = [];
  kind: string[] = [];
  text: string[] = [];
  reply: string[] = [];
  ts: number[] = [];
  rt: number[] = [];
  status: string[] = [];
  error: (string | null)[] = [];
  // Gemini usage (migration 011's columns)
  model: string[] = [];
  modelVersion: string[] = [];
  inputTokens: number[] = [];
  cachedTokens: number[] = [];
  outputTokens: number[] = [];
  reasoningTokens: number[] = [];
  finishReason: (string | null)[] = [];
  blockReason: (string | null)[] = [];
  costUsd: (number | null)[] = [];
  get size() {
    return this.mid.length;
  }
}

/** Lognormal response time around a median of ~650 ms with a long tail (p95 ≈ 2 s). */
function responseTime(rng: Rng): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.round(Math.exp(Math.log(650) + 0.6 * z) * 1000) / 1000;
}

/** Planned message count per day: weekends, slow growth, noise, and a few spikes (anomalies). */
function dailyVolumes(o: HistoryOptions, rng: Rng, startMs: number): number[] {
  return Array.from({ length: o.days }, (_, d) => {
    const trend = 0.85 + (0.3 * d) / Math.max(1, o.days - 1);
    const noise = 0.9 + rng.next() * 0.2;
    const spike = rng.chance(0.03) ? 2.2 + rng.next() : 1;
    const dow = new Date(startMs + d * DAY).getUTCDay();
    const weekend = dow === 0 || dow === 6 ? 0.8 : 1;
    return Math.round(o.perDay * trend * noise * spike * weekend);
  });
}

/**
 * Fills the database with believable past conversations — sessions of several messages from a
 * population of named users, following a daily rhythm — in bulk (INSERT … FROM unnest, thousands
 * of rows per statement), and folds them into the analytics rollups as it goes.
 */
export async function generateHistory(
  db: Db,
  o: HistoryOptions,
  onProgress: (p: HistoryProgress) => void = () => {},
): Promise<{ messages: number; users: number; ms: number }> {
  const started = performance.now();
  const rng = createRng(`history:${o.seed}`);
  const population = createPopulation(o.users, o.seed);
  const picker = new WeightedPicker(population);
  const startMs = Math.floor((o.endMs - o.days * DAY) / HOUR) * HOUR;
  const volumes = dailyVolumes(o, rng, startMs);
  const planned = volumes.reduce((a, b) => a + b, 0);
  // Gemini usage per reply, from a source of its own (the messages stay what they were). Written
  // only where migration 011's columns exist.
  const genAiRng = createRng(`history-gen-ai:${o.seed}`);
  const prices = loadShippedPrices();
  const { rowCount: genAiColumns } = await db.query(
    `SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'conversations' AND column_name = 'price_version'`,
  );

  await db.query(
    `INSERT INTO users (facebook_id, first_name, last_name, profile_pic, profile_fetched_at, first_seen, last_interaction)
     SELECT id, f, l, NULL, now(), to_timestamp($4 / 1000.0), to_timestamp($4 / 1000.0)
       FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, f, l)
     ON CONFLICT (facebook_id) DO NOTHING`,
    [
      population.map((u) => u.psid),
      population.map((u) => u.firstName),
      population.map((u) => u.lastName),
      o.endMs,
    ],
  );

  const firstSeen = new Map<string, number>();
  const lastSeen = new Map<string, number>();
  let inserted = 0;
  let folded = 0;
  let seq = 0;
  let folding: Promise<void> | undefined;
  const queued = () => inserted - folded;
  const foldAll = async () => {
    for (let n = await foldRollupQueue(db, 50_000, true); n > 0; n = await foldRollupQueue(db, 50_000, true))
      folded += n;
  };
  let batch = new Batch();
  const flush = async () => {
    if (batch.size === 0) return;
    const b = batch;
    batch = new Batch();
    if (genAiColumns) {
      await db.query(
        `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                    processed_at, response_time_ms, generate_ms, send_ms, status, error, instance_id,
                                    model, model_version, input_tokens, cached_tokens, output_tokens,
                                    reasoning_tokens, finish_reason, block_reason, cost_usd, price_version)
         SELECT mid, u, k, t, r, to_timestamp(ts / 1000.0), to_timestamp(ts / 1000.0),
                to_timestamp((ts + rt) / 1000.0), rt, rt * 0.7, rt * 0.25, s, e, $10,
                m, mv, it, ct, ot, rtk, fr, br, cu, CASE WHEN cu IS NULL THEN NULL ELSE $20 END
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[],
                       $8::text[], $9::text[], $11::text[], $12::text[], $13::int[], $14::int[], $15::int[],
                       $16::int[], $17::text[], $18::text[], $19::numeric[])
                AS x(mid, u, k, t, r, ts, rt, s, e, m, mv, it, ct, ot, rtk, fr, br, cu)
         ON CONFLICT (mid) DO NOTHING`,
        [
          b.mid,
          b.user,
          b.kind,
          b.text,
          b.reply,
          b.ts,
          b.rt,
          b.status,
          b.error,
          o.instanceId,
          b.model,
          b.modelVersion,
          b.inputTokens,
          b.cachedTokens,
          b.outputTokens,
          b.reasoningTokens,
          b.finishReason,
          b.blockReason,
          b.costUsd,
          prices?.version ?? null,
        ],
      );
    } else {
      await db.query(
        `INSERT INTO conversations (mid, facebook_id, kind, message_text, reply_text, "timestamp", received_at,
                                    processed_at, response_time_ms, generate_ms, send_ms, status, error, instance_id)
         SELECT mid, u, k, t, r, to_timestamp(ts / 1000.0), to_timestamp(ts / 1000.0),
                to_timestamp((ts + rt) / 1000.0), rt, rt * 0.7, rt * 0.25, s, e, $10
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[],
                       $8::text[], $9::text[]) AS x(mid, u, k, t, r, ts, rt, s, e)
         ON CONFLICT (mid) DO NOTHING`,
        [b.mid, b.user, b.kind, b.text, b.reply, b.ts, b.rt, b.status, b.error, o.instanceId],
      );
    }
    // Fold as we go, on another connection while the next batch is inserted (the database works on
    // both at once), so the rollup queue never holds millions of rows.
    folding ??= foldAll().finally(() => {
      folding = undefined;
    });
    if (queued() > 200_000) await folding;
    inserted += b.size;
    onProgress({ inserted, planned, elapsedMs: performance.now() - started });
  };

  for (let d = 0; d < o.days; d++) {
    const dayStart = startMs + d * DAY;
    const weights = Array.from({ length: 24 }, (_, h) => rhythmFactor(dayStart + h * HOUR + HOUR / 2, o.tz));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    let left = volumes[d]!;
    while (left > 0) {
      // A session: 1-6 messages from one user, a few seconds to two minutes apart.
      let u = rng.next() * totalWeight;
      let hour = 0;
      while (hour < 23 && u >= weights[hour]!) u -= weights[hour++]!;
      let ts = dayStart + hour * HOUR + Math.floor(rng.next() * HOUR);
      if (ts >= o.endMs) ts = o.endMs - 1 - Math.floor(rng.next() * HOUR);
      const user = picker.pick(rng.next()).psid;
      const length = Math.min(left, 1 + Math.floor(rng.exponential(1.6)));
      for (let i = 0; i < length; i++) {
        const position = i === 0 ? 'first' : i === length - 1 ? 'last' : 'middle';
        const roll = rng.next();
        const kind =
          roll < 0.05 && i === 0
            ? 'postback'
            : roll < 0.12
              ? 'quick_reply'
              : roll < 0.18
                ? 'attachment'
                : 'text';
        const failed = rng.chance(0.015);
        batch.mid.push(`hist_${o.seed}_${seq++}`);
        batch.user.push(user);
        batch.kind.push(kind);
        const text =
          kind === 'attachment' ? '[image]' : kind === 'postback' ? 'Get Started' : userText(rng, position);
        const reply = failed
          ? 'Sorry, I cannot answer right now. Please try again in a moment.'
          : rng.pick(PAGE_REPLIES);
        batch.text.push(text);
        batch.reply.push(reply);
        const usage = historyGenAi(genAiRng, text, reply, d / Math.max(1, o.days));
        batch.model.push(usage.model);
        batch.modelVersion.push(usage.model_version ?? usage.model);
        batch.inputTokens.push(usage.input_tokens);
        batch.cachedTokens.push(usage.cached_tokens);
        batch.outputTokens.push(usage.output_tokens);
        batch.reasoningTokens.push(usage.reasoning_tokens);
        batch.finishReason.push(usage.finish_reason);
        batch.blockReason.push(usage.block_reason);
        batch.costUsd.push(historyCost(prices, usage));
        batch.ts.push(ts);
        batch.rt.push(failed ? 4000 + rng.next() * 8000 : responseTime(rng));
        batch.status.push(failed ? 'failed' : 'replied');
        batch.error.push(
          failed ? 'send: Graph API 613: (#613) Calls to this api have exceeded the rate limit.' : null,
        );
        firstSeen.set(user, Math.min(firstSeen.get(user) ?? ts, ts));
        lastSeen.set(user, Math.max(lastSeen.get(user) ?? ts, ts));
        ts += 5_000 + Math.floor(rng.next() * 115_000);
        if (batch.size >= o.batchSize) await flush();
      }
      left -= length;
    }
  }
  await flush();
  await folding;
  await foldAll();
  // Millions of queue rows came and went: reclaim them now rather than at the next autovacuum.
  await db.query('VACUUM ANALYZE rollup_queue');

  const ids = [...firstSeen.keys()];
  await db.query(
    `UPDATE users u SET first_seen = least(u.first_seen, to_timestamp(x.f / 1000.0)),
                        last_interaction = greatest(u.last_interaction, to_timestamp(x.l / 1000.0))
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS x(id, f, l)
      WHERE u.facebook_id = x.id`,
    [ids, ids.map((i) => firstSeen.get(i)!), ids.map((i) => lastSeen.get(i)!)],
  );
  // Users of the population who never wrote in this window are removed again.
  await db.query(
    `DELETE FROM users u WHERE u.facebook_id = ANY ($1::text[])
        AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.facebook_id = u.facebook_id)`,
    [population.map((p) => p.psid)],
  );
  // Statistics for what was just bulk-loaded, so analytics plans are right from the first query
  // (autovacuum would analyze these tables only later).
  await db.query('ANALYZE conversations, users, rollup_slots, rollup_user_periods, rollup_period_totals');
  return { messages: inserted, users: ids.length, ms: performance.now() - started };
}

export { nameForPsid };
