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
  };
}
