import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Db,
  deleteInboxEvents,
  getJobContext,
  type InsertedConversation,
  insertConversations,
  isEventDataError,
  type JobContext,
  type NewConversation,
} from '@botpulse/db';
import type { StageTimesMs } from '@botpulse/metrics';
import type {
  ConversationStatus,
  ErrorEvent,
  FailureStage,
  GenAiUsage,
  ProcessedMessage,
} from '@botpulse/protocol';
import type { Logger } from '@botpulse/runtime';
import type { GeminiClient, GeminiReply } from '../clients/gemini';
import type { GraphApiClient } from '../clients/graph-api';
import { DependencyError, withRetry } from '../clients/retry';
import { FALLBACK_REPLY, ruleReply } from '../clients/rule-responder';
import type { DependencyTracker } from '../health/dependency-tracker';
import { messageText } from '../webhook/events';
import { BatchWriter } from './batch-writer';
import type { ReplyJob } from './job';
import type { ProfileService } from './profiles';
import { redactPii } from './redact';

/** The database refuses this message's own data (SQLSTATE class 22): retrying will not help. */
export class UnstorableConversationError extends Error {
  override name = 'UnstorableConversationError';
}

/** per row: stored (or skipped), refused for its own data, or to be retried (the database failed) */
type StoreResult = InsertedConversation | { unstorable: Error } | { retry: Error };

/** Where one reply's time went (ms); `other` is the response time's remainder. */
export type StageTimes = StageTimesMs;

/** Who hears about answered messages and failures (collector, Prometheus, SSE, admin link). */
export interface PipelineObserver {
  /**
   * `genAi`: the Gemini reply's usage, null for a rule reply or when no Gemini answer came;
   * `timestampMs` is `message.timestamp` as a number (no date parsing on the per-message path)
   */
  stored(
    message: ProcessedMessage,
    info: { newUser: boolean; stages: StageTimes; genAi: GenAiUsage | null; timestampMs: number },
  ): void;
  failed(event: ErrorEvent): void;
  storeLatency(ms: number): void;
  /** one generateContent call (each attempt): its duration and, when it failed, the error type */
  genAiCall(model: string, seconds: number, errorType: string | null): void;
}

export interface ReplyPipelineDeps {
  db: Db;
  log: Logger;
  instanceId: string;
  profiles: ProfileService;
  gemini: GeminiClient | undefined;
  graph: GraphApiClient | undefined;
  facebookHealth: DependencyTracker;
  geminiHealth: DependencyTracker;
  observer: PipelineObserver;
  redactPii: boolean;
  /** stops store retries on shutdown */
  signal: AbortSignal;
}

const GEMINI_RETRY = { attempts: 3, baseDelayMs: 500, maxDelayMs: 4000 };
const SEND_RETRY = { attempts: 3, baseDelayMs: 300, maxDelayMs: 3000 };

/**
 * One user message → one stored, answered conversation: profile name, reply (Gemini or rules),
 * Send API, then the conversation row; only a newly stored row is counted and emitted.
 */
export class ReplyPipeline {
  private readonly writer: BatchWriter<NewConversation, StoreResult>;
  private readonly context: BatchWriter<{ psid: string; mid: string }, JobContext>;

  constructor(private readonly deps: ReplyPipelineDeps) {
    this.context = new BatchWriter((items) => getJobContext(deps.db, items), 500, 2);
    // One batch at a time: the feed lock serialises them in the database anyway, and two in flight
    // could finish out of id order here, so the live feed (SSE, admin) would see ids go backwards.
    this.writer = new BatchWriter((rows) => this.timedInsert(rows), 500, 1);
  }

  async handle(job: ReplyJob): Promise<void> {
    const { deps } = this;
    // The stages follow one another, each from the end of the one before, so they add up to the
    // response time. Queue: from the hand-over to the reply queue until this job's turn came.
    const startedHr = performance.now();
    const queueMs = job.dispatchedHr !== undefined ? startedHr - job.dispatchedHr : 0;
    const context = await this.context.write({ psid: job.senderId, mid: job.dedupKey });
    if (context.answered) {
      // A duplicate that slipped in as the original was being stored: answered already.
      await deleteInboxEvents(deps.db, [job.inboxId]);
      return;
    }
    const contextHr = performance.now();
    const text = messageText(job.event);
    const profile = await deps.profiles.lookup(job.senderId, context);
    const profileMs = performance.now() - contextHr;
    // Store: the inbox write before Meta's 200 (receipt → hand-over; after a restart only the
    // write itself is known) and the conversation lookup above.
    const inboxMs =
      job.receivedHr !== undefined && job.dispatchedHr !== undefined
        ? job.dispatchedHr - job.receivedHr
        : (job.storeMs ?? 0);
    const storeMs = inboxMs + (contextHr - startedHr);

    let status: ConversationStatus = 'replied';
    let error: string | null = null;

    const generateStart = performance.now();
    let reply: string;
    let genAi: GenAiUsage | null = null;
    if (deps.gemini) {
      const gemini = deps.gemini;
      try {
        const answer = await withRetry(
          GEMINI_RETRY,
          () => this.timedGenerate(gemini, text),
          (err) => deps.geminiHealth.recordFailure(err),
        );
        deps.geminiHealth.recordSuccess();
        genAi = answer.usage;
        // A blocked prompt or an answer without text is an answer (recorded with its reasons), not
        // an outage: the user gets the fallback.
        reply = answer.text ?? FALLBACK_REPLY;
      } catch (err) {
        reply = FALLBACK_REPLY;
        status = 'failed';
        error = this.reportFailure(job, 'generate', 'gemini', err);
      }
    } else {
      reply = ruleReply(text, job.kind);
    }
    const generateMs = performance.now() - generateStart;

    const sendStart = performance.now();
    if (deps.graph) {
      try {
        await withRetry(
          SEND_RETRY,
          () => deps.graph!.sendText(job.senderId, reply),
          (err) => deps.facebookHealth.recordFailure(err),
        );
        deps.facebookHealth.recordSuccess();
      } catch (err) {
        status = 'failed';
        error = this.reportFailure(job, 'send', 'facebook', err);
      }
    } else if (status === 'replied') {
      status = 'not_sent';
    }
    const sendMs = performance.now() - sendStart;
    const responseTimeMs =
      job.receivedHr !== undefined
        ? performance.now() - job.receivedHr
        : Math.max(0, Date.now() - job.receivedAtMs);

    const storedText = deps.redactPii ? redactPii(text) : text;
    const storedReply = deps.redactPii ? redactPii(reply) : reply;
    const row: NewConversation = {
      inbox_id: job.inboxId,
      mid: job.dedupKey,
      facebook_id: job.senderId,
      kind: job.kind,
      message_text: storedText,
      reply_text: storedReply,
      timestamp: new Date(job.timestampMs).toISOString(),
      original_timestamp:
        job.originalTimestampMs === null ? null : new Date(job.originalTimestampMs).toISOString(),
      received_at: new Date(job.receivedAtMs).toISOString(),
      response_time_ms: responseTimeMs,
      queue_ms: queueMs,
      profile_ms: profileMs,
      store_ms: storeMs,
      generate_ms: generateMs,
      send_ms: sendMs,
      status,
      error,
      instance_id: deps.instanceId,
      profile: profile.fetched,
      ...genAi,
    };
    const stored = await this.store(row);
    if (stored.id === null) return; // a retry of a message already answered: not counted twice
    deps.observer.stored(
      {
        id: stored.id,
        mid: job.dedupKey,
        user_id: job.senderId,
        // the stored name (another message of this user may have fetched the profile meanwhile)
        user_name: stored.user_name,
        message_text: storedText,
        reply_text: storedReply,
        kind: job.kind,
        timestamp: row.timestamp,
        response_time: responseTimeMs,
        status,
        instance_id: deps.instanceId,
      },
      {
        newUser: stored.new_user,
        stages: { queueMs, profileMs, generateMs, sendMs, storeMs },
        genAi,
        timestampMs: job.timestampMs,
      },
    );
  }

  /** One Gemini call, timed for `gen_ai_client_operation_duration_seconds` (failed attempts too). */
  private async timedGenerate(gemini: GeminiClient, text: string): Promise<GeminiReply> {
    const started = performance.now();
    try {
      const answer = await gemini.reply(text);
      this.deps.observer.genAiCall(gemini.modelName, (performance.now() - started) / 1000, null);
      return answer;
    } catch (err) {
      const type = err instanceof DependencyError && err.code !== undefined ? String(err.code) : 'error';
      this.deps.observer.genAiCall(gemini.modelName, (performance.now() - started) / 1000, type);
      throw err;
    }
  }

  /**
   * Conversation writes wait out a database outage: the message is acknowledged, it must land. Only
   * a message whose own data the database refuses fails (one of its attempts, see recovery).
   */
  private async store(row: NewConversation): Promise<InsertedConversation> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.writer.write(row);
        if ('unstorable' in result) throw new UnstorableConversationError(result.unstorable.message);
        if ('retry' in result) throw result.retry;
        return result;
      } catch (err) {
        if (this.deps.signal.aborted || err instanceof UnstorableConversationError) throw err;
        if (attempt === 1 || attempt % 10 === 0) {
          this.deps.log.warn(
            { err: (err as Error).message, attempt },
            'storing a conversation failed, retrying',
          );
        }
        await sleep(Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  private async timedInsert(rows: NewConversation[]): Promise<StoreResult[]> {
    try {
      return await this.insertTimed(rows);
    } catch (err) {
      // One message with data the database refuses must not hold back the batch it is in, forever:
      // store them one by one, and only that one fails.
      if (!isEventDataError(err)) throw err;
      const results: StoreResult[] = [];
      for (const row of rows) {
        try {
          results.push(...(await this.insertTimed([row])));
        } catch (one) {
          // Rows stored before a database failure here keep their result; the rest are retried.
          results.push(isEventDataError(one) ? { unstorable: one as Error } : { retry: one as Error });
        }
      }
      return results;
    }
  }

  private async insertTimed(rows: NewConversation[]) {
    const started = performance.now();
    const result = await insertConversations(this.deps.db, rows);
    this.deps.observer.storeLatency(performance.now() - started);
    return result;
  }

  private reportFailure(
    job: ReplyJob,
    stage: FailureStage,
    dependency: 'facebook' | 'gemini',
    err: unknown,
  ): string {
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof DependencyError ? err.code : undefined;
    this.deps.observer.failed({
      instance_id: this.deps.instanceId,
      stage,
      dependency,
      message,
      ...(code !== undefined ? { code } : {}),
      mid: job.dedupKey,
      at: new Date().toISOString(),
    });
    return `${stage}: ${message}`.slice(0, 1000);
  }
}
