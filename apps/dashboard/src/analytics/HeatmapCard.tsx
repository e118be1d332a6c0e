import { useHeatmap } from '../api/heatmap';
import type { RangeQuery } from '../api/range';
import { Card } from '../components/Card';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { explorerPath } from '../conversations/links';
import { Heatmap } from './Heatmap';

export function HeatmapCard({ query }: { query: RangeQuery }) {
  const heatmap = useHeatmap(query);
  return (
    <Card title="When people write" subtitle={`Day of week × hour, your time (${query.tz})`} testId="heatmap">
      {heatmap.data ? (
        <div className={heatmap.isPlaceholderData ? 'is-stale' : undefined}>
          <Heatmap
            cells={heatmap.data.cells}
            cellLink={(dow, hour) => explorerPath({ ...query, dow, hour })}
          />
        </div>
      ) : heatmap.isError ? (
        <ErrorState
          title="Cannot load the heatmap"
          error={heatmap.error}
          onRetry={() => void heatmap.refetch()}
        />
      ) : (
        <Skeleton height={268} label="Loading heatmap" />
      )}
    </Card>
  );
}
