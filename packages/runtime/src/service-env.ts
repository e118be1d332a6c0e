import type { z } from 'zod';
import { ConfigError, parseEnv } from './env';
import { type GeneratedSecretName, withLocalSecrets } from './secrets';

/**
 * A service's environment, validated. Outside production, secrets left unset come from
 * DATA_DIR/secrets.json (generated on the first start); in production each of `required` must be set.
 */
export function parseServiceEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
  required: readonly string[],
): { values: z.infer<S>; production: boolean; generated: GeneratedSecretName[] } {
  const first = parseEnv(schema, env) as { NODE_ENV?: string; DATA_DIR: string };
  const production = first.NODE_ENV === 'production';
  const { env: withSecrets, generated } = production
    ? { env, generated: [] as GeneratedSecretName[] }
    : withLocalSecrets(env, first.DATA_DIR);
  const values = parseEnv(schema, withSecrets);
  for (const name of required) {
    if (!(values as Record<string, unknown>)[name]) {
      throw new ConfigError(`Missing environment variable ${name} (required when NODE_ENV=production)`);
    }
  }
  return { values, production, generated };
}
