import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@botpulse/runtime';
import { randomSecrets } from '@botpulse/tools/testing';
import { loadAdminConfig } from '../../../apps/admin/src/config';
import { type AdminService, buildAdmin } from '../../../apps/admin/src/server';
import { type BotService, buildBot } from '../../../apps/bot/src/app';
import { loadBotConfig } from '../../../apps/bot/src/config';

// The admin and the bot built in the test's own process (their real code, real HTTP on a free
// port), for tests that need the server's own view of itself, e.g. its route table.

export interface InProcess<S> {
  service: S;
  url: string;
  secrets: ReturnType<typeof randomSecrets>;
  stop(): Promise<void>;
}

const silent = createLogger('test', 'silent');

async function dataDir() {
  return mkdtemp(join(tmpdir(), 'botpulse-inproc-'));
}

/** An admin listening on a free port, without its background work (feed, rollups, timers). */
export async function inProcessAdmin(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<InProcess<AdminService>> {
  const secrets = randomSecrets();
  const dir = await dataDir();
  const config = loadAdminConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    INTERNAL_SECRET: secrets.INTERNAL_SECRET,
    DEBUG_TOKEN: secrets.DEBUG_TOKEN,
    ADMIN_USER: secrets.ADMIN_USER,
    ADMIN_PASSWORD: secrets.ADMIN_PASSWORD,
    REDIS_PREFIX: `botpulse-test-${randomBytes(4).toString('hex')}`,
    ...env,
  });
  const service = await buildAdmin(config, silent);
  const url = await service.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    service,
    url,
    secrets,
    async stop() {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A bot listening on a free port, without its background work (recovery, health checks, link). */
export async function inProcessBot(databaseUrl: string): Promise<InProcess<BotService>> {
  const secrets = randomSecrets();
  const dir = await dataDir();
  const config = loadBotConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ADMIN_URL: 'http://127.0.0.1:9',
    FB_APP_SECRET: secrets.FB_APP_SECRET,
    FB_VERIFY_TOKEN: secrets.FB_VERIFY_TOKEN,
    INTERNAL_SECRET: secrets.INTERNAL_SECRET,
    DEBUG_TOKEN: secrets.DEBUG_TOKEN,
  });
  const service = await buildBot(config, silent);
  const url = await service.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    service,
    url,
    secrets,
    async stop() {
      await service.stop(0);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * An HTTP request whose path goes on the wire exactly as written: `fetch` and `URL` would
 * normalise `/api/./x` or `//`, which is the very spelling under test.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
  /** the client's own address (any of 127.0.0.0/8 reaches a server on 127.0.0.1) */
  localAddress?: string,
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        method,
        path,
        localAddress,
        headers: {
          ...(body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
