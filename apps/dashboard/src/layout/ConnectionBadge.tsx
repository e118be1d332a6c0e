import { useSocket } from '../socket/SocketContext';

/** Always visible: numbers on screen are only as current as this says. */
export function ConnectionBadge() {
  const { state, everLive, lastError } = useSocket();
  const label =
    state === 'live' ? 'Live' : state === 'offline' ? 'Offline' : everLive ? 'Reconnecting…' : 'Connecting…';
  const title =
    state === 'live'
      ? 'Receiving live updates'
      : state === 'offline'
        ? 'No connection to the admin server. Retrying in the background; numbers may be out of date.'
        : 'Connecting to the admin server for live updates';
  const detail = state !== 'live' && lastError ? ` (last error: ${lastError})` : '';
  return (
    <span
      className={`connection-badge connection-${state}`}
      data-testid="connection-state"
      data-state={state}
      title={title + detail}
      role="status"
      aria-live="polite"
    >
      <span className="connection-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
