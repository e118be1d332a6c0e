import { useState } from 'react';
import { type ExportType, exportUrl } from '../api/exportUrl';
import type { RangeQuery } from '../api/range';

/** CSV (spreadsheets) and JSON (scripts) of the selected range; the browser streams the download. */
export function ExportButton({ query }: { query: RangeQuery }) {
  const [type, setType] = useState<ExportType>('messages');
  return (
    <div className="export" data-testid="export">
      <label className="inline-field small">
        Export
        <select
          className="input input-sm"
          value={type}
          onChange={(e) => setType(e.target.value as ExportType)}
        >
          <option value="messages">Messages</option>
          <option value="metrics">Metrics snapshots</option>
        </select>
      </label>
      <a className="btn btn-secondary btn-sm" href={exportUrl(query, 'csv', type)} download>
        CSV
      </a>
      <a className="btn btn-secondary btn-sm" href={exportUrl(query, 'json', type)} download>
        JSON
      </a>
    </div>
  );
}
