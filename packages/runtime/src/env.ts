import { z } from 'zod';

/** A configuration problem that stops start-up with one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/**
 * Parses `env` with a zod object schema whose keys are the variable names. Empty strings count as
 * unset, so `FOO= npm start` behaves like leaving FOO out.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  const cleaned: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    cleaned[key] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  // Never echo a secret back (it ends up in terminal scrollback and log collectors).
  const got = /SECRET|TOKEN|PASSWORD|KEY/.test(name) ? undefined : cleaned[name];
  throw new ConfigError(
    `Invalid environment variable ${name}: ${issue.message}${got === undefined ? '' : ` (got "${got}")`}`,
  );
}

export const port = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a port number' })
    .int('expected a whole port number')
    .min(0, 'expected a port number between 0 and 65535')
    .max(65535, 'expected a port number between 0 and 65535')
    .default(fallback);

export const httpUrl = () =>
  z
    .string()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'expected an http(s) URL')
    .transform((v) => v.replace(/\/+$/, ''));

export const postgresUrl = () =>
  z
    .string()
    .refine(
      (v) => URL.canParse(v) && /^postgres(ql)?:$/.test(new URL(v).protocol),
      'expected a postgres:// URL',
    );

export const redisUrl = () =>
  z
    .string()
    .refine((v) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol), 'expected a redis:// URL');

export const flag = () =>
  z
    .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'], { message: 'expected 1 or 0' })
    .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

export const positiveInt = (fallback: number) =>
  z.coerce.number({ message: 'expected a number' }).int('expected a whole number').min(1).default(fallback);

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const instanceId = () =>
  z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 letters, digits, dots, dashes or colons');
