import type { StageTiming } from '@botpulse/protocol';

export type StageName = 'store' | 'generate' | 'send';

export const STAGE_LABELS: Record<StageName, string> = {
  store: 'Store',
  generate: 'Generate reply',
  send: 'Send',
};

export interface StageSegment {
  stage: StageName;
  label: string;
  avgMs: number;
  p95Ms: number;
  /** share of the summed averages, 0..100 */
  pct: number;
}

/** Where the reply time goes, as proportional segments of one bar. */
export function stageBreakdown(stages: Record<StageName, StageTiming> | null | undefined): StageSegment[] {
  if (!stages) return [];
  const order: StageName[] = ['store', 'generate', 'send'];
  const total = order.reduce((sum, s) => sum + Math.max(0, stages[s].avg_ms), 0);
  return order.map((stage) => ({
    stage,
    label: STAGE_LABELS[stage],
    avgMs: stages[stage].avg_ms,
    p95Ms: stages[stage].p95_ms,
    pct: total > 0 ? (Math.max(0, stages[stage].avg_ms) / total) * 100 : 0,
  }));
}
