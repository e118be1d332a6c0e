import type { AlertState } from '@botpulse/protocol';
import { ALERT_STATE_WORDS } from '../transforms/alerts';

export function AlertStateBadge({ state }: { state: AlertState }) {
  return <span className={`alert-state alert-state-${state}`}>{ALERT_STATE_WORDS[state]}</span>;
}
