import type { Db } from '@botpulse/db';
import { BulkLoader, type BulkMethod, type BulkRow, type BulkTotals, type IndexMode } from '../bulk/load';
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
  /** rows per chunk (one COPY and one INSERT … SELECT, one transaction) */
  batchSize: number;
  /** force a load method (default: COPY where the server takes it) */
  method?: BulkMethod;
  /** how the indexes of conversations are kept (default 'auto': rebuilt when the table is empty) */
  indexes?: IndexMode;
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
 * population of named users, following a daily rhythm — through the bulk path `npm run import`
 * uses (BulkLoader: COPY into staging and one set-wise INSERT … SELECT per chunk, or INSERT … FROM
 * unnest on the embedded database), then folds them into the analytics rollups set-wise.
 */
export async function generateHistory(
  db: Db,
  o: HistoryOptions,
  onProgress: (p: HistoryProgress) => void = () => {},
): Promise<{ messages: number; users: number; ms: number; bulk: BulkTotals }> {
  const started = performance.now();
  const rng = createRng(`history:${o.seed}`);
  const population = createPopulation(o.users, o.seed);
  const picker = new WeightedPicker(population);
  const startMs = Math.floor((o.endMs - o.days * DAY) / HOUR) * HOUR;
  const volumes = dailyVolumes(o, rng, startMs);
  const planned = volumes.reduce((a, b) => a + b, 0);
  // Gemini usage per reply, from a source of its own (the messages stay what they were).
  const genAiRng = createRng(`history-gen-ai:${o.seed}`);
  const prices = loadShippedPrices();

  const names = new Map(population.map((u) => [u.psid, u]));
  const users = new Set<string>();
  const loader = new BulkLoader(db, { method: o.method, indexes: o.indexes });
  let bulk: BulkTotals | undefined;
  let inserted = 0;
  let seq = 0;
  let batch: BulkRow[] = [];
  // The next chunk is generated while the database stores the previous one.
  let pending: Promise<unknown> | undefined;
  const flush = async () => {
    await pending;
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    pending = loader.load(b).then(() => {
      inserted += b.length;
      onProgress({ inserted, planned, elapsedMs: performance.now() - started });
    });
    pending.catch(() => {});
  };

  try {
    for (let d = 0; d < o.days; d++) {
      const dayStart = startMs + d * DAY;
      const weights = Array.from({ length: 24 }, (_, h) =>
        rhythmFactor(dayStart + h * HOUR + HOUR / 2, o.tz),
      );
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
          const person = names.get(user)!;
          const messageText =
            kind === 'attachment' ? '[image]' : kind === 'postback' ? 'Get Started' : userText(rng, position);
          const replyText = failed
            ? 'Sorry, I cannot answer right now. Please try again in a moment.'
            : rng.pick(PAGE_REPLIES);
          const usage = historyGenAi(genAiRng, messageText, replyText, d / Math.max(1, o.days));
          const costUsd = historyCost(prices, usage);
          const rt = failed ? 4000 + rng.next() * 8000 : responseTime(rng);
          batch.push({
            mid: `hist_${o.seed}_${seq++}`,
            facebookId: user,
            firstName: person.firstName,
            lastName: person.lastName,
            kind,
            messageText,
            replyText,
            ts,
            responseTimeMs: rt,
            generateMs: rt * 0.7,
            sendMs: rt * 0.25,
            status: failed ? 'failed' : 'replied',
            error: failed
              ? 'send: Graph API 613: (#613) Calls to this api have exceeded the rate limit.'
              : null,
            instanceId: o.instanceId,
            model: usage.model,
            modelVersion: usage.model_version ?? usage.model,
            inputTokens: usage.input_tokens,
            cachedTokens: usage.cached_tokens,
            outputTokens: usage.output_tokens,
            reasoningTokens: usage.reasoning_tokens,
            finishReason: usage.finish_reason,
            blockReason: usage.block_reason,
            costUsd,
            priceVersion: costUsd === null ? null : (prices?.version ?? null),
          });
          users.add(user);
          ts += 5_000 + Math.floor(rng.next() * 115_000);
          if (batch.length >= o.batchSize) await flush();
        }
        left -= length;
      }
    }
    await flush();
    await flush();
    // The rollups, set-wise, once everything is in (then statistics for the loaded tables).
    bulk = await loader.finish();
  } finally {
    loader.release();
  }
  return { messages: inserted, users: users.size, ms: performance.now() - started, bulk: bulk! };
}

export { nameForPsid };
