import { createRng, type Rng } from '../simulator/random';

/**
 * What one generateContent answer looks like beyond its text: the usage, the finish and a prompt
 * block, as the real API reports them (DESIGN.md "Gemini usage and cost").
 *
 * - `promptTokenCount` counts everything sent, the cached part included; `cachedContentTokenCount`
 *   is that cached part (Gemini's implicit caching of a repeated prefix: here the system prompt).
 * - `thoughtsTokenCount` is the thinking of 2.5 models: billed as output, absent when there was none.
 * - `totalTokenCount` = prompt + candidates + thoughts.
 * - A blocked prompt answers 200 with `promptFeedback.blockReason` and no candidates.
 */
export interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

/** Forces one answer exactly (`fake.forceAnswers`); unset fields follow the request as usual. */
export interface ForcedAnswer {
  text?: string;
  /** 'STOP' (default), 'MAX_TOKENS', 'SAFETY', … */
  finishReason?: string;
  /** answers a prompt block (no candidates) with this reason, e.g. 'SAFETY', 'PROHIBITED_CONTENT' */
  blockReason?: string;
  modelVersion?: string;
  /** exact counts; `totalTokenCount` is computed when left out */
  usage?: Partial<UsageMetadata>;
}

/**
 * How often the fake behaves like a busy production model. All shares are 0–1 of generate calls and
 * drawn from a seeded source, so the same seed gives the same sequence of answers.
 */
export interface GeminiRealism {
  seed?: string | number;
  /** answers that think first (thoughtsTokenCount 40–600) */
  thinkingShare?: number;
  /** answers cut at the output limit */
  maxTokensShare?: number;
  /** answers stopped by the safety filter (no text) */
  safetyShare?: number;
  /** prompts blocked before generation */
  blockShare?: number;
}

/** What the demo uses: a believable mix, not the worst case. */
export const DEMO_REALISM: Required<GeminiRealism> = {
  seed: 'demo',
  thinkingShare: 0.35,
  maxTokensShare: 0.02,
  safetyShare: 0.005,
  blockShare: 0.005,
};

export type AnswerKind = 'stop' | 'max_tokens' | 'safety' | 'blocked';

/** Decides each answer's kind and thinking from the seeded realism options. */
export class AnswerDice {
  private rng: Rng | null;

  constructor(private readonly realism: GeminiRealism | undefined) {
    this.rng = realism ? createRng(realism.seed ?? 'gemini') : null;
  }

  /** the next answer's kind and thinking tokens (0 = no thoughts) */
  roll(): { kind: AnswerKind; thoughts: number } {
    const rng = this.rng;
    const r = this.realism;
    if (!rng || !r) return { kind: 'stop', thoughts: 0 };
    const x = rng.next();
    const blocked = r.blockShare ?? 0;
    const safety = blocked + (r.safetyShare ?? 0);
    const maxTokens = safety + (r.maxTokensShare ?? 0);
    const kind: AnswerKind =
      x < blocked ? 'blocked' : x < safety ? 'safety' : x < maxTokens ? 'max_tokens' : 'stop';
    const thoughts = kind !== 'blocked' && rng.chance(r.thinkingShare ?? 0) ? rng.int(40, 600) : 0;
    return { kind, thoughts };
  }
}

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH', blocked: true },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
];

export function usageMetadata(
  prompt: number,
  candidates: number | undefined,
  extra: { cached?: number; thoughts?: number },
  forced: Partial<UsageMetadata> = {},
): UsageMetadata {
  const promptTokenCount = forced.promptTokenCount ?? prompt;
  const candidatesTokenCount = 'candidatesTokenCount' in forced ? forced.candidatesTokenCount : candidates;
  // A forced usage that names the prompt size is exact: no cached part or thinking it did not name.
  const exact = forced.promptTokenCount !== undefined;
  const cached =
    forced.cachedContentTokenCount ?? (exact ? 0 : Math.min(extra.cached ?? 0, promptTokenCount));
  const thoughts = forced.thoughtsTokenCount ?? (exact ? undefined : extra.thoughts);
  const usage: UsageMetadata = {
    promptTokenCount,
    ...(candidatesTokenCount !== undefined ? { candidatesTokenCount } : {}),
    totalTokenCount: 0,
    ...(cached ? { cachedContentTokenCount: cached } : {}),
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
  };
  usage.totalTokenCount =
    forced.totalTokenCount ?? promptTokenCount + (candidatesTokenCount ?? 0) + (thoughts ?? 0);
  return usage;
}

/** The body of a blocked prompt: `promptFeedback.blockReason`, no candidates, prompt tokens only. */
export function blockedBody(
  blockReason: string,
  usage: UsageMetadata,
  modelVersion: string,
  responseId: string,
) {
  return {
    promptFeedback: { blockReason, safetyRatings: SAFETY_RATINGS },
    usageMetadata: usage,
    modelVersion,
    responseId,
  };
}

/** A candidate stopped by the safety filter: no content, the ratings that stopped it. */
export function safetyCandidate() {
  return { finishReason: 'SAFETY', index: 0, safetyRatings: SAFETY_RATINGS };
}
