import { z } from 'zod';
import { DASHBOARD_CHANNELS, type DashboardChannel } from './events';

/** Runtime checks for what clients send; kept out of index.ts so the dashboard bundle has no zod. */
export const subscribeRequestSchema = z.object({
  type: z.literal('subscribe'),
  channels: z
    .array(z.enum(DASHBOARD_CHANNELS as [DashboardChannel, ...DashboardChannel[]]))
    .min(1)
    .max(DASHBOARD_CHANNELS.length),
  since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const loginRequestSchema = z.object({
  username: z.string().min(1, 'username is required').max(200),
  password: z.string().min(1, 'password is required').max(1000),
});

export const changePasswordSchema = z.object({
  current_password: z.string().min(1).max(1000),
  new_password: z.string().min(12, 'new_password must have at least 12 characters').max(1000),
});
