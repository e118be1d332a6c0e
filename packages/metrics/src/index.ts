export {
  ANOMALY_K,
  type AnomalyInput,
  type AnomalyResult,
  findAnomalies,
  TRAILING_BUCKETS,
} from './anomalies';
export { CircularBuffer } from './circular-buffer';
export { DAY_MS, HOUR_MS, MetricsCollector, MINUTE_MS } from './collector';
export { emptyGenAiTotals, GenAiTally } from './gen-ai-tally';
export { NumberRing } from './number-ring';
export { otherMs, ReplyTimes } from './reply-times';
export { changePct, type MeanAndStdDev, meanAndStdDev, percentile } from './stats';
export type {
  CollectorSeed,
  CurrentStats,
  DailyMetric,
  HourlyMetric,
  MetricsCollectorOptions,
  RecordExtra,
  StageStats,
  StageTimesMs,
} from './types';
