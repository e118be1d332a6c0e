import type { GenAiTotals, GenAiUsage } from '@botpulse/protocol';

/**
 * Gemini usage and cost since the instance started (`gen_ai` in `/debug/metrics`): a few numbers
 * and two tiny maps, updated per Gemini reply, rebuilt from the stored rows on restart.
 */
export class GenAiTally {
  private t: GenAiTotals = emptyGenAiTotals();

  record(u: GenAiUsage): void {
    if (u.model === null) return; // a rule reply
    const t = this.t;
    t.requests++;
    t.input_tokens += u.input_tokens ?? 0;
    t.cached_tokens += u.cached_tokens ?? 0;
    t.output_tokens += u.output_tokens ?? 0;
    t.reasoning_tokens += u.reasoning_tokens ?? 0;
    if (u.cost_usd === null) {
      t.unpriced_requests++;
      if (!t.unpriced_models.includes(u.model)) t.unpriced_models.push(u.model);
    } else {
      t.cost_usd += u.cost_usd;
    }
    if (u.block_reason !== null) t.blocked++;
    if (u.finish_reason === 'MAX_TOKENS') t.truncated++;
    if (u.finish_reason !== null)
      t.finish_reasons[u.finish_reason] = (t.finish_reasons[u.finish_reason] ?? 0) + 1;
  }

  restore(totals: GenAiTotals): void {
    this.t = {
      ...totals,
      finish_reasons: { ...totals.finish_reasons },
      unpriced_models: [...totals.unpriced_models],
    };
  }

  snapshot(): GenAiTotals {
    return {
      ...this.t,
      // sums of 1e-12-rounded costs: keep the figure free of float noise
      cost_usd: Math.round(this.t.cost_usd * 1e12) / 1e12,
      finish_reasons: { ...this.t.finish_reasons },
      unpriced_models: [...this.t.unpriced_models],
    };
  }
}

export function emptyGenAiTotals(): GenAiTotals {
  return {
    requests: 0,
    input_tokens: 0,
    cached_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    blocked: 0,
    truncated: 0,
    finish_reasons: {},
    unpriced_requests: 0,
    unpriced_models: [],
  };
}
