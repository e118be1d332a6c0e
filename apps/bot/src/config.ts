import { hostname } from 'node:os';
import {
  commonEnvShape,
  flag,
  httpUrl,
  instanceId,
  parseServiceEnv,
  port,
  positiveInt,
  resolveDatabaseUrl,
} from '@botpulse/runtime';
import { z } from 'zod';
import { loadPriceTable } from './gen-ai/prices';

const botEnv = z.object({
  ...commonEnvShape,
  BOT_PORT: port(3000),
  ADMIN_PORT: port(4000),
  ADMIN_URL: httpUrl().optional(),
  INSTANCE_ID: instanceId().optional(),
  NODE_ENV: z.string().optional(),
  FB_APP_SECRET: z.string().min(8, 'expected at least 8 characters').optional(),
  FB_VERIFY_TOKEN: z.string().min(1).optional(),
  FB_PAGE_ACCESS_TOKEN: z.string().min(1).optional(),
  GRAPH_API_URL: httpUrl().default('https://graph.facebook.com/v24.0'),
  GEMINI_API_KEY: z.string().min(1).optional(),
  GEMINI_MODEL: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'expected a model name like gemini-2.5-flash')
    .default('gemini-2.5-flash'),
  GEMINI_BASE_URL: httpUrl().optional(),
  GEMINI_PRICES_FILE: z.string().min(1).optional(),
  INTERNAL_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  DEBUG_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  REDACT_PII: flag().default(false),
  PIPELINE_CONCURRENCY: positiveInt(512),
  MONITORING: flag().default(true),
});

export type BotConfig = ReturnType<typeof loadBotConfig>;

/**
 * The bot's whole configuration, validated once at start-up. In local mode (NODE_ENV is not
 * "production") unset secrets come from DATA_DIR/secrets.json, generated on first start.
 */
export function loadBotConfig(env: Record<string, string | undefined> = process.env) {
  const { values: c, generated } = parseServiceEnv(botEnv, env, [
    'FB_APP_SECRET',
    'FB_VERIFY_TOKEN',
    'INTERNAL_SECRET',
    'DEBUG_TOKEN',
  ]);
  const db = resolveDatabaseUrl(c);
  return {
    host: c.HOST,
    port: c.BOT_PORT,
    instanceId: c.INSTANCE_ID ?? `bot-${hostname()}-${c.BOT_PORT}`,
    dataDir: c.DATA_DIR,
    logLevel: c.LOG_LEVEL,
    databaseUrl: db.url,
    embeddedDatabase: db.embedded,
    adminUrl: c.ADMIN_URL ?? `http://127.0.0.1:${c.ADMIN_PORT}`,
    appSecret: c.FB_APP_SECRET!,
    verifyToken: c.FB_VERIFY_TOKEN!,
    pageAccessToken: c.FB_PAGE_ACCESS_TOKEN,
    graphApiUrl: c.GRAPH_API_URL,
    gemini: c.GEMINI_API_KEY
      ? {
          apiKey: c.GEMINI_API_KEY,
          model: c.GEMINI_MODEL,
          baseUrl: c.GEMINI_BASE_URL,
          // validated at start-up: a bad file stops the bot with its name and the field at fault
          prices: loadPriceTable(c.GEMINI_PRICES_FILE),
        }
      : undefined,
    internalSecret: c.INTERNAL_SECRET!,
    debugToken: c.DEBUG_TOKEN!,
    redactPii: c.REDACT_PII,
    pipelineConcurrency: c.PIPELINE_CONCURRENCY,
    /** MONITORING=0 turns off collector, emits and SSE (only to measure their overhead). */
    monitoring: c.MONITORING,
    generatedSecrets: generated,
  };
}
