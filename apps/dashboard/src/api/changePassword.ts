import type { ChangePasswordRequest } from '@botpulse/protocol';
import { useMutation } from '@tanstack/react-query';
import { apiFetch } from './client';

export function changePassword(body: ChangePasswordRequest): Promise<void> {
  return apiFetch<void>('/api/auth/password', { method: 'POST', body });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword, meta: { handlesUnauthorized: true } });
}
