import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secrets that local/demo mode generates once and keeps in DATA_DIR when they are not set. */
export const GENERATED_SECRET_NAMES = [
  'INTERNAL_SECRET',
  'DEBUG_TOKEN',
  'FB_APP_SECRET',
  'FB_VERIFY_TOKEN',
  'ADMIN_PASSWORD',
] as const;
export type GeneratedSecretName = (typeof GENERATED_SECRET_NAMES)[number];
export type LocalSecrets = Record<GeneratedSecretName, string>;

const FILE = 'secrets.json';

function generate(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Reads DATA_DIR/secrets.json, creating it (mode 0600) with fresh random values the first time.
 * Several processes may start at once: whoever creates the file first wins, the others read it.
 */
export function loadLocalSecrets(dataDir: string): { secrets: LocalSecrets; created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, FILE);
  const fresh = Object.fromEntries(GENERATED_SECRET_NAMES.map((n) => [n, generate()])) as LocalSecrets;
  let created = false;
  try {
    writeFileSync(path, JSON.stringify(fresh, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalSecrets>;
  // A file from an older version may lack a newer secret: fill it in and keep it.
  const missing = GENERATED_SECRET_NAMES.filter((n) => typeof stored[n] !== 'string' || stored[n] === '');
  if (missing.length > 0) {
    for (const n of missing) stored[n] = fresh[n];
    writeFileSync(path, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  }
  return { secrets: stored as LocalSecrets, created };
}

/** Values from the environment win; unset ones come from DATA_DIR/secrets.json. */
export function withLocalSecrets(env: Record<string, string | undefined>, dataDir: string) {
  const unset = GENERATED_SECRET_NAMES.filter((n) => !env[n]?.trim());
  if (unset.length === 0) return { env, generated: [] as GeneratedSecretName[], created: false };
  const { secrets, created } = loadLocalSecrets(dataDir);
  const merged = { ...env };
  for (const n of unset) merged[n] = secrets[n];
  return { env: merged, generated: unset, created };
}
