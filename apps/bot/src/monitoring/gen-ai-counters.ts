import type { GenAiUsage } from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';
import type { BotPrometheus } from './prometheus';

const PROVIDER = 'gcp.gemini';

/**
 * The Prometheus side of Gemini: tokens, cost and responses per answer, call durations per
 * attempt. Label children are resolved once per model (a handful): a labelled inc() hashes its
 * labels on every call.
 */
export class GenAiCounters {
  private readonly byModel = new Map<string, ReturnType<GenAiCounters['children']>>();

  constructor(
    private readonly prom: BotPrometheus,
    private readonly log: Logger,
  ) {}

  private children(model: string) {
    const { prom } = this;
    return {
      input: prom.genAiTokens.labels({ type: 'input', model }),
      cached: prom.genAiTokens.labels({ type: 'cached_input', model }),
      output: prom.genAiTokens.labels({ type: 'output', model }),
      reasoning: prom.genAiTokens.labels({ type: 'reasoning', model }),
      cost: prom.genAiCost.labels({ model }),
      usageIn: prom.genAiTokenUsage.labels({
        gen_ai_token_type: 'input',
        gen_ai_request_model: model,
        gen_ai_provider_name: PROVIDER,
      }),
      usageOut: prom.genAiTokenUsage.labels({
        gen_ai_token_type: 'output',
        gen_ai_request_model: model,
        gen_ai_provider_name: PROVIDER,
      }),
    };
  }

  /** One Gemini answer: a few counter increments on cached label children. */
  count(u: GenAiUsage): void {
    const model = u.model!;
    let c = this.byModel.get(model);
    if (!c) {
      c = this.children(model);
      this.byModel.set(model, c);
      // once per model: its replies are counted, with cost null (never priced as 0)
      if (u.cost_usd === null)
        this.log.warn(
          { model },
          'Gemini model without a price in the price table: its cost is not counted (set GEMINI_PRICES_FILE)',
        );
    }
    const input = u.input_tokens ?? 0;
    const output = (u.output_tokens ?? 0) + (u.reasoning_tokens ?? 0);
    c.input.inc(input);
    c.cached.inc(u.cached_tokens ?? 0);
    c.output.inc(u.output_tokens ?? 0);
    c.reasoning.inc(u.reasoning_tokens ?? 0);
    if (u.cost_usd !== null) c.cost.inc(u.cost_usd);
    c.usageIn.observe(input);
    // OpenTelemetry counts thinking tokens as output
    c.usageOut.observe(output);
    this.prom.genAiResponses.inc({ model, finish_reason: u.finish_reason ?? 'none' });
    if (u.block_reason !== null) this.prom.genAiPromptBlocked.inc({ block_reason: u.block_reason });
  }

  /** One Gemini call attempt (failed ones too), timed. */
  call(model: string, seconds: number, errorType: string | null): void {
    this.prom.genAiDuration.observe(
      { gen_ai_request_model: model, gen_ai_provider_name: PROVIDER, error_type: errorType ?? '' },
      seconds,
    );
  }
}
