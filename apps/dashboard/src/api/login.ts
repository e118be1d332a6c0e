import type { LoginRequest, SessionInfo } from '@botpulse/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from './client';
import { queryKeys } from './queryKeys';

export function login(body: LoginRequest): Promise<SessionInfo> {
  return apiFetch<SessionInfo>('/api/auth/login', { method: 'POST', body });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    meta: { handlesUnauthorized: true },
    onSuccess: (session) => {
      // Anything cached belongs to whoever was logged in before.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
      queryClient.setQueryData(queryKeys.me, session);
    },
  });
}
