import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelPrice, PriceTable } from '@botpulse/protocol';
import { z } from 'zod';

/** The table shipped with the project (source and date inside it). */
export const DEFAULT_PRICES_FILE = fileURLToPath(new URL('./gemini-prices.json', import.meta.url));

/** Above this many prompt tokens a model's `above_200k` prices apply (Google's long-context tier). */
export const LONG_CONTEXT_TOKENS = 200_000;

const usdPerMillion = z.number().finite().nonnegative();
const modelPrice = z
  .object({ input: usdPerMillion, cached_input: usdPerMillion, output: usdPerMillion })
  .strict();
const priceTableSchema = z
  .object({
    version: z.string().min(1),
    source: z.string().optional(),
    models: z.record(
      z.string().min(1),
      modelPrice.extend({ above_200k: modelPrice.partial().strict().optional() }).strict(),
    ),
  })
  .strict();

/** A price file that cannot be used: the message names the file and the field. */
export class PriceTableError extends Error {
  override name = 'PriceTableError';
}

/** Parses and validates a price table (the shipped one or `GEMINI_PRICES_FILE`). */
export function parsePriceTable(text: string, file: string): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PriceTableError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = priceTableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new PriceTableError(`${file}: field "${field}": ${issue.message}`);
  }
  return parsed.data;
}

export function loadPriceTable(file: string = DEFAULT_PRICES_FILE): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PriceTableError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parsePriceTable(text, file);
}

export interface TokenUsage {
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
}

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` are the same model. */
const modelKey = (model: string) => (model.startsWith('models/') ? model.slice(7) : model);

/**
 * The price of one reply in USD, or null when the model has no price (never 0):
 * (input − cached) × input + cached × cached_input + (output + reasoning) × output, per 1M tokens,
 * at the long-context prices when the prompt is above 200k tokens. Thinking tokens are billed as
 * output and never left out. Rounded to 1e-12 USD so sums stay exact in the database's numeric.
 */
export function replyCost(table: PriceTable, model: string, usage: TokenUsage): number | null {
  const base = table.models[modelKey(model)];
  if (!base) return null;
  const price: ModelPrice =
    usage.input_tokens > LONG_CONTEXT_TOKENS && base.above_200k ? { ...base, ...base.above_200k } : base;
  const cached = Math.min(usage.cached_tokens, usage.input_tokens);
  const micro =
    (usage.input_tokens - cached) * price.input +
    cached * price.cached_input +
    (usage.output_tokens + usage.reasoning_tokens) * price.output;
  return Math.round(micro * 1e6) / 1e12;
}
