import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { isUnauthorized } from '../api/client';
import { loginPathFor } from './safeNext';

/**
 * A 401 from any query or mutation, or "unauthorized" from the socket, means the session is gone:
 * forget cached data and go to /login, remembering where the user was.
 */
export function useLoginRedirect(): () => void {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const locationRef = useRef(location);
  locationRef.current = location;
  const redirectingRef = useRef(false);

  const redirect = useCallback(() => {
    if (redirectingRef.current) return;
    redirectingRef.current = true;
    const target = loginPathFor(locationRef.current);
    // Navigate first: removing queries while their observers are mounted would refetch them.
    navigate(target, { replace: true });
    queueMicrotask(() => queryClient.removeQueries());
  }, [navigate, queryClient]);

  useEffect(() => {
    const offQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error' && isUnauthorized(event.action.error))
        redirect();
    });
    const offMutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'error') return;
      if (event.mutation.meta?.handlesUnauthorized) return;
      if (isUnauthorized(event.action.error)) redirect();
    });
    return () => {
      offQueries();
      offMutations();
    };
  }, [queryClient, redirect]);

  return redirect;
}
