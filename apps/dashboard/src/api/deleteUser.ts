import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from './client';
import { queryKeys } from './queryKeys';

export interface DeleteUserResult {
  deleted_messages: number;
}

export function deleteUser(userId: string): Promise<DeleteUserResult> {
  return apiFetch<DeleteUserResult>(`/api/users/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}

/** Data-protection delete: every view that counted this user's messages must be refetched. */
export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteUser,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.analytics });
      void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard });
    },
  });
}
