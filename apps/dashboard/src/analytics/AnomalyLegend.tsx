import type { TimelineResponse } from '@botpulse/protocol';
import { formatNumber } from '../transforms/format';
import { bucketLabel } from '../transforms/volumeSeries';

/** Says what the red dots mean and lists them, so an anomaly is explained, not just drawn. */
export function AnomalyLegend({ timeline }: { timeline: TimelineResponse }) {
  const byStart = new Map(timeline.buckets.map((b) => [Date.parse(b.start), b]));
  const anomalies = timeline.anomalies
    .map((start) => byStart.get(Date.parse(start)))
    .filter((b): b is NonNullable<typeof b> => b !== undefined);
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
          <span className="legend-dot swatch-anomaly" aria-hidden="true" /> Anomaly: more than 2 standard
          deviations from the mean ({formatNumber(timeline.mean)} ± {formatNumber(timeline.std_dev)} per
          bucket)
        </li>
      </ul>
      {anomalies.length ? (
        <p className="small">
          {anomalies
            .map(
              (b) =>
                `${bucketLabel(b.start, timeline.granularity, timeline.tz)}: ${formatNumber(b.messages)} (${b.messages >= timeline.mean ? 'unusually high' : 'unusually low'})`,
            )
            .join(' · ')}
        </p>
      ) : (
        <p className="small muted">No anomalies in this range.</p>
      )}
    </div>
  );
}
