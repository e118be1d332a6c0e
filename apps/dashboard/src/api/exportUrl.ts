import { toQueryString } from './client';
import type { RangeQuery } from './range';

export type ExportFormat = 'csv' | 'json';
export type ExportType = 'messages' | 'metrics';

/**
 * A plain link, not fetch(): the server streams exports of any size and the browser writes them
 * straight to disk (Content-Disposition: attachment) without holding them in memory.
 */
export function exportUrl(range: RangeQuery, format: ExportFormat, type: ExportType): string {
  return `/api/monitoring/export${toQueryString({ format, type, ...range })}`;
}
