import type { Granularity, TimelineResponse } from '@botpulse/protocol';
import { formatNumber } from '../transforms/format';
import { bucketLabel } from '../transforms/volumeSeries';

const TRAILING_WORDS: Record<Granularity, (n: number) => string> = {
  hour: (n) => (n === 168 ? 'the 7 days before' : `the ${n} hours before`),
  day: (n) => `the ${n} days before`,
  week: (n) => `the ${n} weeks before`,
  month: (n) => `the ${n} months before`,
};

/** What an anomaly is tested against, in words: "the other days shown and the 28 days before". */
export function describeBaseline(timeline: TimelineResponse): string {
  const unit = timeline.granularity;
  const trailing = timeline.baseline?.trailing_buckets ?? 0;
  const others = `the other complete ${unit}s shown`;
  return trailing > 0 ? `${others} and ${TRAILING_WORDS[unit](trailing)}` : others;
}

/**
 * Says what the red dots mean, against what baseline, and lists them, so an anomaly is explained,
 * not just drawn; and says which bucket is still filling.
 */
export function AnomalyLegend({ timeline }: { timeline: TimelineResponse }) {
  const byStart = new Map(timeline.buckets.map((b) => [Date.parse(b.start), b]));
  const anomalies = timeline.anomalies
    .map((start) => byStart.get(Date.parse(start)))
    .filter((b): b is NonNullable<typeof b> => b !== undefined && !b.partial);
  const partial = timeline.buckets.find((b) => b.partial);
  const unit = timeline.granularity;
  const label = (start: string) => bucketLabel(start, unit, timeline.tz);
  return (
    <div className="chart-legend">
      <ul className="legend-items">
        <li>
          <span className="legend-swatch swatch-current" aria-hidden="true" /> This period
        </li>
        <li>
          <span className="legend-swatch swatch-previous" aria-hidden="true" /> Previous period (same length,
          just before)
        </li>
        <li>
          <span className="legend-swatch swatch-so-far" aria-hidden="true" /> Still running (so far)
        </li>
        <li>
          <span className="legend-dot swatch-anomaly" aria-hidden="true" /> Anomaly: more than 2 standard
          deviations from the baseline, each complete {unit} against {describeBaseline(timeline)} (
          {formatNumber(timeline.mean)} ± {formatNumber(timeline.std_dev)} per {unit})
        </li>
      </ul>
      {anomalies.length ? (
        <p className="small">
          {anomalies
            .map(
              (b) =>
                `${label(b.start)}: ${formatNumber(b.messages)} (${b.messages >= timeline.mean ? 'unusually high' : 'unusually low'})`,
            )
            .join(' · ')}
        </p>
      ) : (
        <p className="small muted">No anomalies in this range.</p>
      )}
      {partial ? (
        <p className="small muted">
          {label(partial.start)} is still running: {formatNumber(partial.messages)} messages so far (dotted,
          hatched), not tested for anomalies.
        </p>
      ) : null}
    </div>
  );
}
