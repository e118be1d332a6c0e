import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GenAiUsage, PriceTable } from '@botpulse/protocol';
import { DEMO_REALISM } from '../fakes/gemini-usage';
import { estimateTokens } from '../fakes/gemini-wire';
import type { Rng } from '../simulator/random';

/**
 * The Gemini side of a generated past reply (DESIGN.md "Gemini usage and cost"): which model
 * answered and its usageMetadata, as the fake Gemini would have reported it. The counts follow the
 * texts (about four characters a token), the bot's system prompt is sent with every message and is
 * served from the cache after the first, 2.5 models think on about a third of the answers, and a
 * few answers are cut at the limit, stopped by the safety filter or refused as a prompt.
 *
 * The story over the range: the page answered with gemini-2.0-flash at first and moved to
 * gemini-2.5-flash, with the longest questions sent to gemini-2.5-pro, so "cost by model" has a
 * change to show.
 */

/** The bot's system instruction is about 250 characters (apps/bot/src/clients/gemini.ts). */
export const SYSTEM_PROMPT_TOKENS = 63;
/** The bot's maxOutputTokens. */
const MAX_OUTPUT_TOKENS = 512;

export type HistoryGenAi = Omit<GenAiUsage, 'cost_usd' | 'price_version'> & {
  model: string;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
};

/**
 * `progress`: how far into the generated range the reply is, 0–1 (the model switch happens at
 * 0.4). Draw from an Rng of its own, so adding this did not change the generated messages.
 */
export function historyGenAi(rng: Rng, userText: string, replyText: string, progress: number): HistoryGenAi {
  const question = estimateTokens(userText);
  const model =
    progress < 0.4
      ? 'gemini-2.0-flash'
      : question > 15 && rng.chance(0.25)
        ? 'gemini-2.5-pro'
        : 'gemini-2.5-flash';
  const thinks = model.startsWith('gemini-2.5') && rng.chance(DEMO_REALISM.thinkingShare);
  // A conversation's earlier turns ride along: 0–3 previous exchanges of ~40 tokens.
  const history = rng.int(0, 3) * 40;
  const input_tokens = SYSTEM_PROMPT_TOKENS + history + question;
  const roll = rng.next();
  const base = {
    model,
    model_version: model,
    input_tokens,
    cached_tokens: SYSTEM_PROMPT_TOKENS,
    block_reason: null,
  };
  if (roll < DEMO_REALISM.blockShare) {
    return { ...base, output_tokens: 0, reasoning_tokens: 0, finish_reason: null, block_reason: 'SAFETY' };
  }
  const reasoning_tokens = thinks ? rng.int(40, model === 'gemini-2.5-pro' ? 1200 : 600) : 0;
  if (roll < DEMO_REALISM.blockShare + DEMO_REALISM.safetyShare) {
    return { ...base, output_tokens: 0, reasoning_tokens, finish_reason: 'SAFETY' };
  }
  if (roll < DEMO_REALISM.blockShare + DEMO_REALISM.safetyShare + DEMO_REALISM.maxTokensShare) {
    return { ...base, output_tokens: MAX_OUTPUT_TOKENS, reasoning_tokens, finish_reason: 'MAX_TOKENS' };
  }
  // The stored reply is short; what the model wrote before the bot trimmed it was a little longer.
  const output_tokens = estimateTokens(replyText) + rng.int(0, 25);
  return { ...base, output_tokens, reasoning_tokens, finish_reason: 'STOP' };
}

/** The price table the bot ships (DESIGN.md shape); null before it exists on this branch. */
export function loadShippedPrices(): PriceTable | null {
  const file = fileURLToPath(new URL('../../../apps/bot/src/gen-ai/gemini-prices.json', import.meta.url));
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as PriceTable;
}

/**
 * DESIGN.md's cost of one reply: (input − cached) × input + cached × cached_input + (output +
 * thinking) × output, USD per 1M tokens, the above_200k tier beyond 200k prompt tokens; null for a
 * model without a price (never 0).
 */
export function historyCost(table: PriceTable | null, usage: HistoryGenAi): number | null {
  const entry = table?.models[usage.model];
  if (!entry) return null;
  const price = usage.input_tokens > 200_000 ? { ...entry, ...entry.above_200k } : entry;
  return (
    ((usage.input_tokens - usage.cached_tokens) * price.input +
      usage.cached_tokens * price.cached_input +
      (usage.output_tokens + usage.reasoning_tokens) * price.output) /
    1e6
  );
}
