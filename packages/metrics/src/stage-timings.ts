import type { ReplyStage } from '@botpulse/protocol';
import { NumberRing } from './number-ring';
import { percentile } from './stats';
import type { StageStats, StageTimesMs } from './types';

/**
 * The last `samples` replies' time per stage. Recorded with the same replies as the response-time
 * ring, and `other` takes each reply's remainder, so the stage averages add up to the average
 * response time (a reply without stage times is all `other`: shown, never hidden).
 */
export class StageTimings {
  private readonly queue: NumberRing;
  private readonly profile: NumberRing;
  private readonly generate: NumberRing;
  private readonly send: NumberRing;
  private readonly store: NumberRing;
  private readonly other: NumberRing;

  constructor(samples: number) {
    this.queue = new NumberRing(samples);
    this.profile = new NumberRing(samples);
    this.generate = new NumberRing(samples);
    this.send = new NumberRing(samples);
    this.store = new NumberRing(samples);
    this.other = new NumberRing(samples);
  }

  record(responseTimeMs: number, stages: StageTimesMs | null | undefined): void {
    if (stages == null) {
      this.queue.push(0);
      this.profile.push(0);
      this.generate.push(0);
      this.send.push(0);
      this.store.push(0);
      this.other.push(responseTimeMs);
      return;
    }
    this.queue.push(stages.queueMs);
    this.profile.push(stages.profileMs);
    this.generate.push(stages.generateMs);
    this.send.push(stages.sendMs);
    this.store.push(stages.storeMs);
    this.other.push(otherMs(responseTimeMs, stages));
  }

  summary(): Record<ReplyStage, StageStats> {
    return {
      queue: stageStats(this.queue),
      profile: stageStats(this.profile),
      generate: stageStats(this.generate),
      send: stageStats(this.send),
      store: stageStats(this.store),
      other: stageStats(this.other),
    };
  }

  clear(): void {
    for (const ring of this.rings()) ring.clear();
  }

  memoryBytes(): number {
    return this.rings().reduce((sum, ring) => sum + ring.memoryBytes(), 0);
  }

  private rings(): NumberRing[] {
    return [this.queue, this.profile, this.generate, this.send, this.store, this.other];
  }
}

/** What the named stages leave of a response time (never negative: clocks differ by a hair). */
export function otherMs(responseTimeMs: number, s: StageTimesMs): number {
  return Math.max(0, responseTimeMs - s.queueMs - s.profileMs - s.generateMs - s.sendMs - s.storeMs);
}

function stageStats(ring: NumberRing): StageStats {
  return { avg_ms: ring.mean(), p95_ms: percentile(ring.sortedCopy(), 95) };
}
