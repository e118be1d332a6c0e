import { setTimeout as sleep } from 'node:timers/promises';
import { entry, webhookBody } from '../messenger/builders';
import { webhookUrl } from '../messenger/post';
import { type EventKind, eventKind, type MessagingEvent } from '../messenger/types';
import { MinHeap } from './heap';
import { resolveOptions, type SimulationInput, type SimulationMode, type SimulationOptions } from './options';
import { createPopulation } from './population';
import { createRng } from './random';
import { describeNetworkError, waitForBot } from './reachability';
import { rhythmFactor } from './rhythm';
import { type LatencySummary, SimulationStats } from './stats';
import { type PlannedPost, TrafficModel } from './traffic';
import { createTransport } from './transport';

export interface SimulationSummary {
  url: string;
  mode: SimulationMode;
  seed: string;
  users: number;
  rhythm: boolean;
  targetRatePerMinute: number;
  startedAt: string;
  /** how long traffic was generated (not counting the final wait for answers) */
  durationMs: number;
  /** user messages sent (first deliveries; duplicates are counted apart) */
  userMessages: number;
  achievedRatePerMinute: number;
  /** user messages delivered a second time with the same mid */
  duplicates: number;
  posts: number;
  /** POSTs answered 2xx */
  acked: number;
  non2xx: number;
  /** POSTs that got no answer: connection refused/reset */
  failed: number;
  timeouts: number;
  /** POSTs not sent because maxInFlight were already waiting: the bot is not keeping up */
  dropped: number;
  /** events sent, by kind (first deliveries) */
  events: Record<EventKind, number>;
  /** answers by HTTP status */
  statuses: Record<string, number>;
  /** acknowledgement latency of 2xx answers */
  latencyMs: LatencySummary | null;
  /**
   * How late the simulator itself sent what was due. High values mean the simulator, not the bot,
   * was the bottleneck: the offered rate and the latencies are then not trustworthy.
   */
  schedulerLagMs: { p99: number; max: number };
  lastError?: string;
}

/** Something on the timeline: a post the traffic model planned, or the replay of one already sent. */
type Due = { dueAt: number; post: PlannedPost } | { dueAt: number; replay: string; userMessages: number };

// Meta batches events that fall due together; this share of such neighbours is merged into one POST.
const MERGE_SHARE = 0.3;
const MAX_ENTRIES_PER_POST = 5;

/**
 * Sends simulated Messenger traffic to the bot's /webhook until `durationMs` passes or `signal`
 * aborts, then waits for the answers still due and returns the summary. Throws
 * BotUnreachableError when the bot does not answer within `waitForBotMs`.
 *
 * Open loop: arrivals are due at absolute times and never wait for earlier answers, so a slow bot
 * faces the offered rate (and `dropped` says when it could not keep up) instead of quietly
 * lowering it.
 */
export async function runSimulation(
  input: SimulationInput,
  { signal }: { signal?: AbortSignal } = {},
): Promise<SimulationSummary> {
  const o = resolveOptions(input);
  await waitForBot(o.url, o.waitForBotMs, signal);

  const transport = createTransport(webhookUrl(o.url), o.secret, o.maxInFlight);
  const stats = new SimulationStats();
  const model = new TrafficModel({
    users: createPopulation(o.users, o.seed),
    rng: createRng(`traffic:${o.seed}`),
    pageId: o.pageId,
    mix: o.mix,
    thinkTimeMs: o.thinkTimeMs,
  });
  const arrivalRng = createRng(`arrivals:${o.seed}`);
  const timeline = new MinHeap<Due>((d) => d.dueAt);
  const inFlight = new Set<Promise<void>>();

  const startedAt = Date.now();
  const endAt = o.durationMs > 0 ? startedAt + o.durationMs : Number.POSITIVE_INFINITY;
  let nextArrival = startedAt;
  let skipArrivals = 0;
  let nextRotate = startedAt + 1_000;
  let nextProgress = startedAt + o.progressIntervalMs;

  const gapAfter = (at: number): number => {
    const perMinute = o.rhythm ? o.ratePerMinute * rhythmFactor(at, o.timeZone) : o.ratePerMinute;
    const meanGap = 60_000 / perMinute;
    return o.mode === 'load' ? meanGap : arrivalRng.exponential(meanGap);
  };

  function send(raw: string, userMessages: number, events: MessagingEvent[] | null): void {
    if (stats.inFlight >= o.maxInFlight) {
      stats.dropped += 1;
      return;
    }
    stats.posts += 1;
    if (events === null) stats.duplicates += userMessages;
    else {
      stats.recordSent(userMessages);
      for (const event of events) stats.events[eventKind(event)] += 1;
    }
    stats.inFlight += 1;
    const request = transport
      .post(raw, o.requestTimeoutMs)
      .then(
        (res) => stats.recordAnswer(res.status, res.durationMs),
        (err: unknown) => {
          if (err instanceof Error && err.name === 'TimeoutError') stats.timeouts += 1;
          else stats.failed += 1;
          stats.lastError = describeNetworkError(err);
        },
      )
      .finally(() => {
        stats.inFlight -= 1;
        inFlight.delete(request);
      });
    inFlight.add(request);
  }

  function dispatch(now: number, due: Due[]): void {
    let batch: PlannedPost[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const entries = batch.flatMap((p) => p.entries);
      const raw = JSON.stringify(webhookBody(entries.map((events) => entry(o.pageId, events, now))));
      const userMessages = batch.reduce((n, p) => n + p.userMessages, 0);
      send(raw, userMessages, entries.flat());
      const replayAfter = batch.find((p) => p.resendAfterMs !== undefined)?.resendAfterMs;
      if (replayAfter !== undefined) timeline.push({ dueAt: now + replayAfter, replay: raw, userMessages });
      batch = [];
    };
    for (const item of due) {
      if ('replay' in item) {
        send(item.replay, item.userMessages, null);
        continue;
      }
      const merge = batch.length > 0 && batch.length < MAX_ENTRIES_PER_POST && arrivalRng.chance(MERGE_SHARE);
      if (!merge) flush();
      batch.push(item.post);
    }
    flush();
  }

  const progress = (now: number) =>
    o.onProgress?.(stats.snapshot(now - startedAt, 1_000 - Math.max(0, nextRotate - now)));

  while (!signal?.aborted) {
    const now = Date.now();
    if (now >= endAt) break;
    // How late this wake-up is for the oldest thing due: the simulator's own lag, not the bot's.
    const oldestDue = Math.min(nextArrival, timeline.peek()?.dueAt ?? Number.POSITIVE_INFINITY);
    if (oldestDue <= now) stats.schedulerLag.add(now - oldestDue);
    while (nextArrival <= now) {
      if (skipArrivals > 0) skipArrivals -= 1;
      else {
        const arrival = model.arrive(nextArrival);
        skipArrivals = arrival.userMessages - 1;
        for (const post of arrival.posts) timeline.push({ dueAt: post.dueAt, post });
      }
      nextArrival += gapAfter(nextArrival);
    }
    const due: Due[] = [];
    while ((timeline.peek()?.dueAt ?? Number.POSITIVE_INFINITY) <= now) due.push(timeline.pop()!);
    if (due.length > 0) dispatch(now, due);
    if (now >= nextRotate) {
      stats.rotate();
      nextRotate += 1_000 * Math.max(1, Math.ceil((now - nextRotate + 1) / 1_000));
    }
    if (now >= nextProgress) {
      progress(now);
      nextProgress = now + o.progressIntervalMs;
    }
    const wakeAt = Math.min(nextArrival, timeline.peek()?.dueAt ?? endAt, endAt, nextRotate, nextProgress);
    // At least 1 ms, so answers get handled between bursts even when far behind.
    await sleep(Math.max(1, wakeAt - Date.now()), undefined, { signal }).catch(() => undefined);
  }

  const activeMs = Math.max(1, Math.min(Date.now(), endAt) - startedAt);
  await Promise.allSettled([...inFlight]);
  transport.close();
  progress(Date.now());

  return {
    url: o.url,
    mode: o.mode,
    seed: o.seed,
    users: o.users,
    rhythm: o.rhythm,
    targetRatePerMinute: o.ratePerMinute,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: activeMs,
    userMessages: stats.userMessages,
    achievedRatePerMinute: (stats.userMessages * 60_000) / activeMs,
    duplicates: stats.duplicates,
    posts: stats.posts,
    acked: stats.acked,
    non2xx: stats.non2xx,
    failed: stats.failed,
    timeouts: stats.timeouts,
    dropped: stats.dropped,
    events: { ...stats.events },
    statuses: { ...stats.statuses },
    latencyMs: stats.latencySummary(),
    schedulerLagMs: {
      p99: stats.schedulerLag.count > 0 ? stats.schedulerLag.percentile(99) : 0,
      max: stats.schedulerLag.maxMs,
    },
    ...(stats.lastError === undefined ? {} : { lastError: stats.lastError }),
  };
}

export type { SimulationOptions };
