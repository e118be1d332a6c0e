import { useOverview } from '../api/overview';
import type { RangeQuery } from '../api/range';

/** When the whole range is empty, say why the charts are flat and how to get data. */
export function NoDataBanner({ query }: { query: RangeQuery }) {
  const overview = useOverview(query);
  if (!overview.data || overview.data.current.messages > 0) return null;
  return (
    <div className="notice" role="note">
      <strong>No messages in this range.</strong> Try a longer range. If the bot has never had traffic,
      connect it to a Facebook page (set <code>FB_PAGE_ACCESS_TOKEN</code>, see docs/deploy.md) or start the
      demo with <code>DEMO=1 npm start</code>.
    </div>
  );
}
