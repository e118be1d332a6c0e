import { Link, useLocation } from 'react-router-dom';
import { useAlerts } from '../api/alerts';

/** A firing alert shows on every page, with a link to the Alerts page. */
export function AlertBanner() {
  const { data } = useAlerts();
  const { pathname } = useLocation();
  const firing = data?.rules.filter((r) => r.state === 'firing') ?? [];
  if (firing.length === 0) return null;
  return (
    <div className="alert-banner" role="alert" data-testid="alert-banner">
      <strong>{firing.length === 1 ? 'Alert firing' : `${firing.length} alerts firing`}</strong>
      <span>{firing.map((r) => `${r.alertname}: ${r.summary ?? r.description}`).join(' · ')}</span>
      {pathname !== '/alerts' ? <Link to="/alerts">Open Alerts</Link> : null}
    </div>
  );
}
