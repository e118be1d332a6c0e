import { CostByModelCard } from '../analytics/CostByModelCard';
import { DateRangePicker } from '../analytics/DateRangePicker';
import { ExportButton } from '../analytics/ExportButton';
import { HeatmapCard } from '../analytics/HeatmapCard';
import { KPICards } from '../analytics/KPICards';
import { MessageVolumeChartCard } from '../analytics/MessageVolumeChartCard';
import { NoDataBanner } from '../analytics/NoDataBanner';
import { TopUsersByCostCard } from '../analytics/TopUsersByCostCard';
import { TopUsersTable } from '../analytics/TopUsersTable';
import { UserActivityCard } from '../analytics/UserActivityCard';
import { allowedGranularities, useAnalyticsParams } from '../analytics/useAnalyticsParams';
import { CardErrorBoundary } from '../components/CardErrorBoundary';
import '../styles/analytics.css';

/**
 * Plan 3.2.1: range picker, KPIs, volume, user activity, heatmap, top users, export; and Gemini cost
 * (KPI, cost by model, costliest users).
 */
export default function AnalyticsPage() {
  const params = useAnalyticsParams();
  const { query } = params;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Analytics</h1>
          <p className="page-subtitle">How use of the bot changes over time.</p>
        </div>
        <ExportButton query={query} />
      </div>
      <div className="toolbar">
        <DateRangePicker range={params.range} onChange={params.setRange} />
      </div>
      <NoDataBanner query={query} />
      <CardErrorBoundary name="The key numbers" minHeight={164}>
        <KPICards query={query} />
      </CardErrorBoundary>
      <CardErrorBoundary name="The message volume chart" minHeight={420}>
        <MessageVolumeChartCard
          query={query}
          granularity={params.granularity}
          granularities={allowedGranularities(params.range)}
          onGranularity={params.setGranularity}
        />
      </CardErrorBoundary>
      <div className="analytics-grid">
        <CardErrorBoundary name="The Gemini cost chart" minHeight={360}>
          <CostByModelCard query={query} granularity={params.granularity} />
        </CardErrorBoundary>
        <CardErrorBoundary name="The costliest users" minHeight={360}>
          <TopUsersByCostCard query={query} />
        </CardErrorBoundary>
      </div>
      <div className="analytics-grid">
        <CardErrorBoundary name="The user activity chart" minHeight={360}>
          <UserActivityCard query={query} page={params.page} pageSize={params.pageSize} />
        </CardErrorBoundary>
        <CardErrorBoundary name="The heatmap" minHeight={360}>
          <HeatmapCard query={query} />
        </CardErrorBoundary>
      </div>
      <CardErrorBoundary name="The top users table" minHeight={400}>
        <TopUsersTable
          query={query}
          page={params.page}
          pageSize={params.pageSize}
          onPage={params.setPage}
          onPageSize={params.setPageSize}
        />
      </CardErrorBoundary>
    </div>
  );
}
