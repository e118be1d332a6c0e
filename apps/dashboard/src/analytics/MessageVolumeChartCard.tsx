import type { Granularity } from '@botpulse/protocol';
import { lazy, Suspense, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { RangeQuery } from '../api/range';
import { useTimeline } from '../api/timeline';
import { Card } from '../components/Card';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { explorerPath } from '../conversations/links';
import { describeRange } from '../transforms/dateRange';
import { AnomalyLegend } from './AnomalyLegend';
import { GranularityToggle } from './GranularityToggle';

const VolumeAreaChart = lazy(() => import('../charts/VolumeAreaChart'));
const CHART_HEIGHT = 300;

export interface MessageVolumeChartCardProps {
  query: RangeQuery;
  granularity: Granularity;
  granularities: readonly Granularity[];
  onGranularity: (g: Granularity) => void;
}

export function MessageVolumeChartCard({
  query,
  granularity,
  granularities,
  onGranularity,
}: MessageVolumeChartCardProps) {
  const timeline = useTimeline(query, granularity);
  const navigate = useNavigate();
  const chartRef = useRef<HTMLDivElement>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const data = timeline.data;
  const total = data?.buckets.reduce((sum, b) => sum + b.messages, 0) ?? 0;

  const onDownload = async () => {
    if (!chartRef.current) return;
    setExportError(null);
    // Loaded on click: only people who export pay for it.
    const { chartFileName, downloadChartPng } = await import('../charts/exportPng');
    try {
      const title = `Messages, ${describeRange(query)}`;
      await downloadChartPng(chartRef.current, title, chartFileName('messages', query.from, query.to));
    } catch (err) {
      setExportError(err instanceof Error ? err.message : 'The chart could not be exported.');
    }
  };

  return (
    <Card
      title="Message volume"
      subtitle={`${describeRange(query)} · previous period for comparison`}
      testId="volume-chart"
      actions={
        <>
          <GranularityToggle value={granularity} options={granularities} onChange={onGranularity} />
          <button type="button" className="btn btn-secondary btn-sm" onClick={onDownload} disabled={!data}>
            Download PNG
          </button>
        </>
      }
    >
      <div
        ref={chartRef}
        className={`chart-slot${timeline.isPlaceholderData ? ' is-stale' : ''}`}
        style={{ height: CHART_HEIGHT }}
      >
        {data ? (
          <Suspense fallback={<Skeleton height={CHART_HEIGHT} label="Loading chart" />}>
            <VolumeAreaChart
              timeline={data}
              height={CHART_HEIGHT}
              onPoint={(p) => navigate(explorerPath({ from: p.from, to: p.to, tz: data.tz }))}
            />
            {total === 0 ? <p className="chart-overlay">No messages in this range.</p> : null}
          </Suspense>
        ) : timeline.isError ? (
          <ErrorState
            title="Cannot load the message volume"
            error={timeline.error}
            onRetry={() => void timeline.refetch()}
          />
        ) : (
          <Skeleton height={CHART_HEIGHT} label="Loading message volume" />
        )}
      </div>
      {exportError ? (
        <p className="form-error" role="alert">
          {exportError}
        </p>
      ) : null}
      {data ? <AnomalyLegend timeline={data} /> : <div className="chart-legend-placeholder" />}
    </Card>
  );
}
