import { readCounter, readGauge } from '@botpulse/runtime';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-histogram';

/**
 * Everything the bot exposes on /metrics. Base units in names (_seconds, _total); no user ids as
 * labels (unbounded cardinality, and personal data). Gauges read their value at scrape time.
 */
export function createBotMetrics(instanceId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ instance_id: instanceId });
  // Default metrics keep their standard names (process_*, nodejs_*) so ready-made Node.js
  // dashboards and rules find them; bot and admin are separate scrape targets, told apart by `job`.
  collectDefaultMetrics({ register: registry });

  return {
    registry,
    // The per-message series are FastCounter/FastHistogram: same exposition, a fraction of the cost.
    messages: new FastCounter(
      'botpulse_messages_total',
      'User messages stored and answered, by kind and reply status',
      registry,
      ['kind', 'status'] as const,
    ),
    webhookRequests: new Counter({
      name: 'botpulse_webhook_requests_total',
      help: 'Webhook POSTs by outcome (accepted, bad_signature, invalid, too_large, unavailable)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: 'botpulse_webhook_events_total',
      help: 'Webhook events by type (message, duplicate, echo, delivery, read, malformed, unstorable, other)',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    webhookClockSkew: new Counter({
      name: 'botpulse_webhook_clock_skew_total',
      help: 'User events whose timestamp was more than 5 minutes ahead of the receipt (clamped to the receipt time)',
      registers: [registry],
    }),
    responseTime: new FastHistogram(
      'botpulse_response_time_seconds',
      'From webhook receipt to the reply sent',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registry,
    ),
    stageDuration: new FastHistogram(
      'botpulse_stage_duration_seconds',
      'Response time by stage, adding up to botpulse_response_time_seconds: queue (behind earlier messages or the concurrency limit), profile (User Profile API), generate (Gemini or rules), send (Send API), store (inbox write and conversation lookup), other (remainder)',
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registry,
      ['stage'] as const,
    ),
    conversationWrite: new Histogram({
      name: 'botpulse_conversation_write_seconds',
      help: 'One batch write of answered conversations (after the replies are sent, outside the response time)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'botpulse_reply_failures_total',
      help: 'Failed replies and dependency calls, by stage and dependency',
      labelNames: ['stage', 'dependency'] as const,
      registers: [registry],
    }),
    // Gemini usage and cost (DESIGN.md "Gemini usage and cost"); labels are model names and
    // Google's enum values, never user ids.
    genAiTokens: new Counter({
      name: 'botpulse_gen_ai_tokens_total',
      help: 'Gemini tokens by type (input: whole prompt incl. cached; cached_input: the cached part; output: answer; reasoning: thinking, billed as output) and model',
      labelNames: ['type', 'model'] as const,
      registers: [registry],
    }),
    genAiCost: new Counter({
      name: 'botpulse_gen_ai_cost_usd_total',
      help: 'Gemini cost in USD from the price table, by model (replies of a model without a price are not in it)',
      labelNames: ['model'] as const,
      registers: [registry],
    }),
    genAiResponses: new Counter({
      name: 'botpulse_gen_ai_responses_total',
      help: 'Gemini answers by model and finish reason (STOP, MAX_TOKENS = truncated, SAFETY, …; "none" for a blocked prompt)',
      labelNames: ['model', 'finish_reason'] as const,
      registers: [registry],
    }),
    genAiPromptBlocked: new Counter({
      name: 'botpulse_gen_ai_prompt_blocked_total',
      help: 'Prompts Gemini refused to answer (promptFeedback.blockReason), answered with the fallback',
      labelNames: ['block_reason'] as const,
      registers: [registry],
    }),
    // The OpenTelemetry GenAI client metrics in Prometheus form (gen_ai.client.token.usage and
    // gen_ai.client.operation.duration, with their bucket boundaries).
    genAiTokenUsage: new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens used per Gemini answer (OpenTelemetry gen_ai.client.token.usage), by gen_ai_token_type input|output',
      labelNames: ['gen_ai_token_type', 'gen_ai_request_model', 'gen_ai_provider_name'] as const,
      buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
      registers: [registry],
    }),
    genAiDuration: new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'One Gemini generateContent call, each attempt (OpenTelemetry gen_ai.client.operation.duration); error_type is empty on success',
      labelNames: ['gen_ai_request_model', 'gen_ai_provider_name', 'error_type'] as const,
      buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
      registers: [registry],
    }),
    gauges: (read: {
      inboxDepth: () => number;
      inboxOldestSeconds: () => number;
      linkConnected: () => number;
      linkBuffered: () => number;
      linkDropped: () => number;
      linkReconnects: () => number;
      sseClients: () => number;
      inFlight: () => number;
      overheadSecondsPerMessage: () => number;
      collectorBytes: () => number;
      eventLoopLagP99Seconds: () => number;
    }) => {
      const gauge = (name: string, help: string, fn: () => number) => readGauge(registry, name, help, fn);
      gauge(
        'botpulse_inbox_depth',
        'Acknowledged webhook events not yet answered (all instances)',
        read.inboxDepth,
      );
      gauge(
        'botpulse_inbox_oldest_pending_seconds',
        'Age of the oldest unanswered inbox event',
        read.inboxOldestSeconds,
      );
      gauge(
        'botpulse_admin_link_connected',
        '1 when the Socket.io link to the admin is up',
        read.linkConnected,
      );
      gauge(
        'botpulse_admin_link_buffered_events',
        'Events waiting for the admin link to come back',
        read.linkBuffered,
      );
      readCounter(
        registry,
        'botpulse_admin_link_dropped_events_total',
        'Events dropped because the link buffer was full',
        read.linkDropped,
      );
      readCounter(
        registry,
        'botpulse_admin_link_reconnects_total',
        'Times the admin link reconnected',
        read.linkReconnects,
      );
      gauge('botpulse_sse_clients', 'Clients connected to /debug/message-stream', read.sseClients);
      gauge('botpulse_pipeline_in_flight', 'Messages being answered right now', read.inFlight);
      gauge(
        'botpulse_monitoring_overhead_seconds_per_message',
        'Time spent in monitoring code per message (collector, counters, emits, SSE), recent average',
        read.overheadSecondsPerMessage,
      );
      gauge(
        'botpulse_collector_memory_bytes',
        'Memory held by the in-memory metrics collector',
        read.collectorBytes,
      );
      gauge(
        'botpulse_event_loop_lag_p99_seconds',
        'Event-loop delay p99 over the last 10 s',
        read.eventLoopLagP99Seconds,
      );
    },
  };
}

export type BotPrometheus = ReturnType<typeof createBotMetrics>;
