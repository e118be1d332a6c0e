import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createPool, migrate, setAdminPassword } from '@botpulse/db';
import { commonEnvShape, exitOnStartupError, parseEnv, resolveDatabaseUrl } from '@botpulse/runtime';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { clearUserLockout } from '../../apps/admin/src/auth/login-throttle';
import { hashPassword } from '../../apps/admin/src/auth/passwords';

const HELP = `npm run admin:reset-password -- [--user <name>] [--password <new password>]

Sets an admin's password (creating the admin if it does not exist) and ends every session of that
admin. Without --password a strong one is generated and printed. Reads DATABASE_URL (else the
embedded database on EMBEDDED_DB_PORT) like the services.`;

async function main() {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const env = parseEnv(
    z.object({
      ...commonEnvShape,
      ADMIN_USER: z.string().default('admin'),
      REDIS_PREFIX: z.string().default('botpulse'),
    }),
  );
  const username = values.user ?? env.ADMIN_USER;
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(username))
    throw new Error('--user must be 1-64 letters, digits or _.@-');
  const password = values.password ?? randomBytes(15).toString('base64url');
  if (password.length < 12) throw new Error('--password must have at least 12 characters');
  const url = resolveDatabaseUrl(env).url;
  await migrate(url);
  const db = createPool(url, { max: 1 });
  try {
    await setAdminPassword(db, username, await hashPassword(password), { createIfMissing: true });
  } finally {
    await db.end();
  }
  console.log(`Password of "${username}" set; all of its sessions ended.`);
  if (env.REDIS_URL) {
    // Several admins keep the login lockout in Redis: lift it, or the new password waits it out.
    const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    await clearUserLockout(redis, env.REDIS_PREFIX, username);
    redis.disconnect();
    console.log('Login lockout for this user lifted.');
  } else {
    console.log(
      'A single admin keeps login lockouts in memory: restart it to lift one at once (or wait up to 5 minutes).',
    );
  }
  if (!values.password) console.log(`New password: ${password}`);
}

main().catch((err) => exitOnStartupError('reset-password', err));
