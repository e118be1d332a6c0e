import { fileURLToPath } from 'node:url';
import {
  commonEnvShape,
  flag,
  httpUrl,
  parseServiceEnv,
  port,
  positiveInt,
  resolveDatabaseUrl,
} from '@botpulse/runtime';
import { z } from 'zod';

/** A webhook URL, kept exactly as given (no trailing slash removed: it is the receiver's secret). */
const webhookUrl = () =>
  z
    .string()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'expected an http(s) URL')
    .optional();

const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

const adminEnv = z.object({
  ...commonEnvShape,
  ADMIN_PORT: port(4000),
  NODE_ENV: z.string().optional(),
  INTERNAL_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  DEBUG_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  ADMIN_USER: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'expected 1-64 letters, digits or _.@-')
    .default('admin'),
  ADMIN_PASSWORD: z.string().min(12, 'expected at least 12 characters').optional(),
  BOT_URLS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const urls = (v ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      for (const u of urls) {
        if (!URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol)) {
          ctx.addIssue({ code: 'custom', message: `"${u}" is not an http(s) URL` });
        }
      }
      return urls.map((u) => u.replace(/\/+$/, ''));
    }),
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    ),
  TRUST_PROXY: flag().default(false),
  DEMO: flag().optional(),
  FB_PAGE_ACCESS_TOKEN: z.string().optional(),
  SESSION_IDLE_MINUTES: positiveInt(12 * 60),
  /** overrides SESSION_IDLE_MINUTES when set (tests that watch a session expire) */
  SESSION_IDLE_SECONDS: z.coerce.number({ message: 'expected a number' }).int().min(1).optional(),
  /** a bot instance silent for this long is shown as gone */
  INSTANCE_GONE_AFTER_MS: positiveInt(20_000),
  /** how often new conversations are folded into the analytics rollups */
  ROLLUP_INTERVAL_MS: positiveInt(1_000),
  SESSION_MAX_DAYS: positiveInt(7),
  RETENTION_DAYS: z.coerce.number({ message: 'expected a number of days' }).int().min(1).optional(),
  DASHBOARD_DIR: z.string().default(DEFAULT_DASHBOARD_DIR),
  PUBLIC_URL: httpUrl().optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'expected 1-64 letters, digits or _:.-')
    .default('botpulse'),
  METRICS_RETENTION_DAYS: positiveInt(90),
  ACCURACY_CHECK_MINUTES: z.coerce.number({ message: 'expected minutes' }).positive().max(1440).default(5),
  /** how often the alert rules are evaluated (fractions allowed: tests use 0.5) */
  ALERT_EVAL_SECONDS: z.coerce.number({ message: 'expected seconds' }).positive().max(3600).default(10),
  /** a firing alert is sent again after this long */
  ALERT_REPEAT_SECONDS: positiveInt(4 * 3600),
  /** first delivery retry after this; doubles up to ALERT_RETRY_MAX_MS */
  ALERT_RETRY_BASE_MS: positiveInt(5_000),
  ALERT_RETRY_MAX_MS: positiveInt(10 * 60_000),
  /** an undelivered notification is given up after this long */
  ALERT_GIVE_UP_HOURS: z.coerce
    .number({ message: 'expected hours' })
    .positive()
    .max(24 * 30)
    .default(24),
  ALERT_WEBHOOK_URL: webhookUrl(),
  ALERT_SLACK_WEBHOOK_URL: webhookUrl(),
  ALERT_DISCORD_WEBHOOK_URL: webhookUrl(),
  ALERT_TEAMS_WEBHOOK_URL: webhookUrl(),
  ALERT_EMAIL_TO: z
    .string()
    .refine(
      (v) => v.split(',').every((a) => z.email().safeParse(a.trim()).success),
      'expected e-mail addresses, comma-separated',
    )
    .optional(),
  ALERT_EMAIL_FROM: z.email('expected an e-mail address').default('botpulse@localhost'),
  SMTP_URL: z
    .string()
    .refine(
      (v) => URL.canParse(v) && /^smtps?:$/.test(new URL(v).protocol),
      'expected smtp://user:pass@host:port',
    )
    .optional(),
});

export type AdminConfig = ReturnType<typeof loadAdminConfig>;

export function loadAdminConfig(env: Record<string, string | undefined> = process.env) {
  const { values: c, production } = parseServiceEnv(adminEnv, env, ['INTERNAL_SECRET', 'ADMIN_PASSWORD']);
  const db = resolveDatabaseUrl(c);
  return {
    host: c.HOST,
    port: c.ADMIN_PORT,
    dataDir: c.DATA_DIR,
    logLevel: c.LOG_LEVEL,
    databaseUrl: db.url,
    embeddedDatabase: db.embedded,
    redisUrl: c.REDIS_URL,
    /** namespaces everything this deployment keeps in Redis (streams, channels, throttle keys) */
    redisPrefix: c.REDIS_PREFIX,
    internalSecret: c.INTERNAL_SECRET!,
    debugToken: c.DEBUG_TOKEN,
    adminUser: c.ADMIN_USER,
    adminPassword: c.ADMIN_PASSWORD!,
    botUrls: c.BOT_URLS,
    allowedOrigins: c.ALLOWED_ORIGINS,
    trustProxy: c.TRUST_PROXY,
    /** the demo banner: DEMO=1, or (outside production) no page token; DEMO=0 turns it off */
    demo: c.DEMO ?? (!production && !c.FB_PAGE_ACCESS_TOKEN),
    sessionIdleSeconds: c.SESSION_IDLE_SECONDS ?? c.SESSION_IDLE_MINUTES * 60,
    sessionMaxSeconds: c.SESSION_MAX_DAYS * 86_400,
    retentionDays: c.RETENTION_DAYS,
    instanceGoneAfterMs: c.INSTANCE_GONE_AFTER_MS,
    rollupIntervalMs: c.ROLLUP_INTERVAL_MS,
    dashboardDir: c.DASHBOARD_DIR,
    publicUrl: c.PUBLIC_URL,
    metricsRetentionDays: c.METRICS_RETENTION_DAYS,
    accuracyCheckMs: c.ACCURACY_CHECK_MINUTES * 60_000,
    alerts: {
      evalMs: c.ALERT_EVAL_SECONDS * 1000,
      repeatSeconds: c.ALERT_REPEAT_SECONDS,
      retryBaseMs: c.ALERT_RETRY_BASE_MS,
      retryMaxMs: c.ALERT_RETRY_MAX_MS,
      giveUpMs: c.ALERT_GIVE_UP_HOURS * 3_600_000,
      webhookUrl: c.ALERT_WEBHOOK_URL,
      slackUrl: c.ALERT_SLACK_WEBHOOK_URL,
      discordUrl: c.ALERT_DISCORD_WEBHOOK_URL,
      teamsUrl: c.ALERT_TEAMS_WEBHOOK_URL,
      emailTo: c.ALERT_EMAIL_TO,
      emailFrom: c.ALERT_EMAIL_FROM,
      smtpUrl: c.SMTP_URL,
    },
  };
}
