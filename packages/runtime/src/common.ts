import { resolve } from 'node:path';
import { z } from 'zod';
import { logLevel, port, postgresUrl, redisUrl } from './env';

/** Variables every service reads the same way. */
export const commonEnvShape = {
  DATABASE_URL: postgresUrl().optional(),
  EMBEDDED_DB_PORT: port(5433),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z
    .string()
    .default('./data')
    .transform((p) => resolve(p)),
  LOG_LEVEL: logLevel(),
  REDIS_URL: redisUrl().optional(),
};

/** DATABASE_URL when set, else the embedded PGlite server (`npm run db`) on EMBEDDED_DB_PORT. */
export function resolveDatabaseUrl(c: { DATABASE_URL?: string | undefined; EMBEDDED_DB_PORT: number }): {
  url: string;
  embedded: boolean;
} {
  if (c.DATABASE_URL) return { url: c.DATABASE_URL, embedded: false };
  return { url: `postgres://postgres@127.0.0.1:${c.EMBEDDED_DB_PORT}/postgres`, embedded: true };
}
