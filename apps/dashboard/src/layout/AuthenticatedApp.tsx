import { useLoginRedirect } from '../auth/useLoginRedirect';
import { MetricsProvider } from '../metrics/MetricsContext';
import { SocketProvider } from '../socket/SocketContext';
import type { SocketFactory } from '../socket/types';
import { AppShell } from './AppShell';

/**
 * One socket and one live state for the whole signed-in app, so switching between Monitoring and
 * Analytics keeps the connection, the feed and the badge.
 */
export function AuthenticatedApp({ createSocket }: { createSocket?: SocketFactory }) {
  const redirectToLogin = useLoginRedirect();
  return (
    <SocketProvider createSocket={createSocket} onUnauthorized={redirectToLogin}>
      <MetricsProvider>
        <AppShell />
      </MetricsProvider>
    </SocketProvider>
  );
}
