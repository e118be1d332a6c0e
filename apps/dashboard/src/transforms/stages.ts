import { REPLY_STAGES, type ReplyStage, type StageBreakdown } from '@botpulse/protocol';

export type StageName = ReplyStage;

/** The legend in words: what a person waits for in each stage. */
export const STAGE_LABELS: Record<StageName, string> = {
  queue: 'Waiting behind earlier messages',
  profile: "Looking up the user's name",
  generate: 'Writing the reply',
  send: 'Sending it to Messenger',
  store: 'Saving to the database',
  other: 'Other (not broken down)',
};

export interface StageSegment {
  stage: StageName;
  label: string;
  avgMs: number;
  p95Ms: number;
  /** share of the summed averages, 0..100 */
  pct: number;
}

/**
 * Where the response time goes, as proportional segments of one bar. The stages add up to the
 * average response time; every one is listed, `other` too, even when it is zero.
 */
export function stageBreakdown(stages: Partial<StageBreakdown> | null | undefined): StageSegment[] {
  if (!stages) return [];
  const zero = { avg_ms: 0, p95_ms: 0 };
  const timing = (s: StageName) => stages[s] ?? zero;
  const total = REPLY_STAGES.reduce((sum, s) => sum + Math.max(0, timing(s).avg_ms), 0);
  return REPLY_STAGES.map((stage) => ({
    stage,
    label: STAGE_LABELS[stage],
    avgMs: timing(stage).avg_ms,
    p95Ms: timing(stage).p95_ms,
    pct: total > 0 ? (Math.max(0, timing(stage).avg_ms) / total) * 100 : 0,
  }));
}
