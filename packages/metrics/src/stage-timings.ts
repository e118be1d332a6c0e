import { NumberRing } from './number-ring';
import { percentile } from './stats';
import type { StageStats, StageTimesMs } from './types';

/** The last `samples` timings of each reply stage: store, generate (Gemini/rules), send. */
export class StageTimings {
  private readonly storeMs: NumberRing;
  private readonly generateMs: NumberRing;
  private readonly sendMs: NumberRing;

  constructor(samples: number) {
    this.storeMs = new NumberRing(samples);
    this.generateMs = new NumberRing(samples);
    this.sendMs = new NumberRing(samples);
  }

  record(stages: StageTimesMs): void {
    this.storeMs.push(stages.storeMs);
    this.generateMs.push(stages.generateMs);
    this.sendMs.push(stages.sendMs);
  }

  summary(): { store: StageStats; generate: StageStats; send: StageStats } {
    return {
      store: stageStats(this.storeMs),
      generate: stageStats(this.generateMs),
      send: stageStats(this.sendMs),
    };
  }

  clear(): void {
    this.storeMs.clear();
    this.generateMs.clear();
    this.sendMs.clear();
  }

  memoryBytes(): number {
    return this.storeMs.memoryBytes() + this.generateMs.memoryBytes() + this.sendMs.memoryBytes();
  }
}

function stageStats(ring: NumberRing): StageStats {
  return { avg_ms: ring.mean(), p95_ms: percentile(ring.sortedCopy(), 95) };
}
