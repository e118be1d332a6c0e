import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from './client';

export function logout(): Promise<void> {
  return apiFetch<void>('/api/auth/logout', { method: 'POST' });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // Even if the server call fails the user asked to leave: forget everything locally.
    onSettled: () => queryClient.clear(),
  });
}
