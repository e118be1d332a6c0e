import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { isUnauthorized } from '../api/client';
import { useSession } from '../api/me';
import { ErrorState } from '../components/ErrorState';
import { loginPathFor } from './safeNext';

/** Everything but /login needs a session; without one, go to /login and come back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();

  if (session.isPending) {
    return (
      <div className="fullpage-center" role="status" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        <span className="visually-hidden">Checking your session</span>
      </div>
    );
  }
  if (session.isError) {
    if (isUnauthorized(session.error)) return <Navigate to={loginPathFor(location)} replace />;
    return (
      <div className="fullpage-center">
        <ErrorState
          title="Cannot check your session"
          error={session.error}
          onRetry={() => void session.refetch()}
        />
      </div>
    );
  }
  return <>{children}</>;
}
