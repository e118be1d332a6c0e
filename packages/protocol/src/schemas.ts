import { z } from 'zod';
import { ALERT_CHANNEL_TYPES, ALERT_NAMES } from './alerts';
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

/** `PUT /api/alerts/rules/:alertname`: a 400 names the first bad field. */
export const alertRuleUpdateSchema = z
  .object({
    enabled: z.boolean({ message: 'enabled must be true or false' }).optional(),
    for_seconds: z
      .number({ message: 'for_seconds must be a number of seconds' })
      .int('for_seconds must be whole seconds')
      .min(0, 'for_seconds must not be negative')
      .max(7 * 86_400, 'for_seconds must be at most 7 days')
      .optional(),
    threshold: z
      .number({ message: 'threshold must be a number' })
      .min(0, 'threshold must not be negative')
      .max(1e9)
      .optional(),
    window_seconds: z
      .number({ message: 'window_seconds must be a number of seconds' })
      .int('window_seconds must be whole seconds')
      .min(1, 'window_seconds must be positive')
      .max(7 * 86_400, 'window_seconds must be at most 7 days')
      .optional(),
  })
  .strict();

const webhookUrl = z
  .string({ message: 'url is required' })
  .max(2000)
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'url must be an http(s) URL');

/** `POST /api/alerts/channels` */
export const alertChannelRequestSchema = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.enum(
        ALERT_CHANNEL_TYPES.filter((t) => t !== 'email') as ['webhook', 'slack', 'discord', 'teams'],
      ),
      name: z.string().trim().min(1).max(100).optional(),
      url: webhookUrl,
    }),
    z.object({
      type: z.literal('email'),
      name: z.string().trim().min(1).max(100).optional(),
      to: z
        .string({ message: 'to is required' })
        .max(1000)
        .refine(
          (v) => v.split(',').every((a) => z.email().safeParse(a.trim()).success),
          'to must be one or more e-mail addresses, comma-separated',
        ),
    }),
  ],
  { message: `type must be one of ${ALERT_CHANNEL_TYPES.join(', ')}` },
);

/** `POST /api/alerts/silences` */
export const alertSilenceRequestSchema = z
  .object({
    alertname: z.enum(ALERT_NAMES, { message: 'alertname is not a known rule' }).optional(),
    until: z.iso.datetime({ offset: true, message: 'until must be an ISO 8601 time' }),
  })
  .strict();
