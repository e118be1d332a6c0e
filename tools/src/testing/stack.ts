import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, type Db } from '@botpulse/db';
import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { type FakeGemini, startFakeGemini } from '../fakes/gemini';
import { type FakeGraphApi, startFakeGraphApi } from '../fakes/graph-api';
import { type PostWebhookOptions, type PostWebhookResult, postWebhook, type WebhookBody } from '../messenger';
import { freePort } from './ports';
import { ROOT, ServiceProcess } from './service-process';
import { TcpProxy } from './tcp-proxy';
import { waitFor } from './wait';

export interface StackOptions {
  bots?: number;
  admin?: boolean;
  /** serve a fake Graph API and give the bot a page token (default true) */
  graph?: boolean;
  /** keep the fake Graph API's request log (default true; off for load tests) */
  graphRecord?: boolean;
  /** serve a fake Gemini and give the bot an API key (default false: the rule responder answers) */
  gemini?: boolean;
  /** extra environment for every service */
  env?: Record<string, string>;
  /** an existing database URL (several stacks on one database) */
  databaseUrl?: string;
  redisUrl?: string;
  /** put a TcpProxy between the services and the database (fault tests: `stack.dbProxy.block()`) */
  databaseProxy?: boolean;
}

export interface Secrets {
  FB_APP_SECRET: string;
  FB_VERIFY_TOKEN: string;
  INTERNAL_SECRET: string;
  DEBUG_TOKEN: string;
  ADMIN_USER: string;
  ADMIN_PASSWORD: string;
}

export interface BotHandle {
  process: ServiceProcess;
  url: string;
  instanceId: string;
  port: number;
}

/** Fresh random secrets for one test system (the services get them through the environment). */
export function randomSecrets(): Secrets {
  return {
    FB_APP_SECRET: randomBytes(16).toString('hex'),
    FB_VERIFY_TOKEN: randomBytes(8).toString('hex'),
    INTERNAL_SECRET: randomBytes(16).toString('hex'),
    DEBUG_TOKEN: randomBytes(16).toString('hex'),
    ADMIN_USER: 'admin',
    ADMIN_PASSWORD: `pw-${randomBytes(12).toString('hex')}`,
  };
}

/**
 * The real system for end-to-end tests: a fresh database (PGlite served on a free port, or a new
 * database on TEST_DATABASE_URL), local fake Graph API / Gemini servers, and the admin and bot
 * processes started from their real entry points with the environment alone.
 */
export class Stack {
  readonly secrets: Secrets = randomSecrets();
  bots: BotHandle[] = [];
  admin: ServiceProcess | undefined;
  adminUrl = '';
  adminPort = 0;
  graph: FakeGraphApi | undefined;
  gemini: FakeGemini | undefined;
  db!: Db;
  databaseUrl = '';
  dataDir = '';
  private testDb: TestDatabase | undefined;
  /** set with `databaseProxy`: the services reach the database only through it */
  dbProxy: TcpProxy | undefined;
  private readonly extraProcesses: ServiceProcess[] = [];

  constructor(readonly options: StackOptions = {}) {}

  baseEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
      DATA_DIR: this.dataDir,
      DATABASE_URL: this.dbProxy ? this.dbProxy.url(this.databaseUrl) : this.databaseUrl,
      ...this.secrets,
      ...(this.graph ? { FB_PAGE_ACCESS_TOKEN: 'test-page-token', GRAPH_API_URL: this.graph.url } : {}),
      ...(this.gemini
        ? {
            GEMINI_API_KEY: 'test-gemini-key',
            GEMINI_BASE_URL: this.gemini.url,
            GEMINI_MODEL: 'gemini-2.5-flash',
          }
        : {}),
      ...(this.options.redisUrl ? { REDIS_URL: this.options.redisUrl } : {}),
      ...this.options.env,
    };
  }

  async start(): Promise<this> {
    this.dataDir = await mkdtemp(join(tmpdir(), 'botpulse-e2e-'));
    if (this.options.databaseUrl) this.databaseUrl = this.options.databaseUrl;
    else {
      this.testDb = await createTestDatabase();
      this.databaseUrl = this.testDb.url;
    }
    this.db = createPool(this.databaseUrl, { max: 4 });
    if (this.options.databaseProxy) this.dbProxy = await TcpProxy.forUrl(this.databaseUrl);
    if (this.options.graph !== false)
      this.graph = await startFakeGraphApi({
        pageAccessToken: 'test-page-token',
        record: this.options.graphRecord ?? true,
      });
    if (this.options.gemini) this.gemini = await startFakeGemini({ apiKey: 'test-gemini-key' });
    if (this.options.admin !== false) await this.startAdmin();
    for (let i = 0; i < (this.options.bots ?? 1); i++) await this.addBot();
    return this;
  }

  async startAdmin(port?: number): Promise<ServiceProcess> {
    this.adminPort = port ?? this.adminPort ?? (await freePort());
    if (!this.adminPort) this.adminPort = await freePort();
    this.adminUrl = `http://127.0.0.1:${this.adminPort}`;
    const admin = new ServiceProcess('admin', join(ROOT, 'apps/admin/src/main.ts'), {
      ...this.baseEnv(),
      ADMIN_PORT: String(this.adminPort),
    });
    this.admin = admin;
    admin.start();
    await this.untilUp(admin, `${this.adminUrl}/api/auth/me`);
    return admin;
  }

  /** Another admin process on the same database (and Redis, when set): several admins. */
  async spawnAdmin(name: string): Promise<{ process: ServiceProcess; url: string; port: number }> {
    const port = await freePort();
    const proc = new ServiceProcess(name, join(ROOT, 'apps/admin/src/main.ts'), {
      ...this.baseEnv(),
      ADMIN_PORT: String(port),
    });
    this.extraProcesses.push(proc);
    proc.start();
    await this.untilUp(proc, `http://127.0.0.1:${port}/api/auth/me`);
    return { process: proc, url: `http://127.0.0.1:${port}`, port };
  }

  async addBot(instanceId = `bot-${this.bots.length + 1}`, adminUrl?: string): Promise<BotHandle> {
    const port = await freePort();
    const proc = new ServiceProcess(instanceId, join(ROOT, 'apps/bot/src/main.ts'), {
      ...this.baseEnv(),
      BOT_PORT: String(port),
      INSTANCE_ID: instanceId,
      ADMIN_URL: adminUrl ?? (this.adminUrl || `http://127.0.0.1:${await freePort()}`),
    });
    proc.start();
    const bot = { process: proc, url: `http://127.0.0.1:${port}`, instanceId, port };
    await this.untilUp(proc, `${bot.url}/webhook`);
    this.bots.push(bot);
    if (this.admin || adminUrl) await this.untilLinked(bot);
    return bot;
  }

  /** Starts a bot again with the same port and instance id (stopping it first if it still runs). */
  async restartBot(bot: BotHandle): Promise<void> {
    await bot.process.stop();
    bot.process.start();
    await this.untilUp(bot.process, `${bot.url}/webhook`);
  }

  /** Waits until the process answers HTTP at `url` (any status); fails early if it exits. */
  async untilUp(proc: ServiceProcess, url: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`${proc.name} exited:\n${proc.lines.slice(-30).join('\n')}`);
        await fetch(url, { signal: AbortSignal.timeout(2_000) });
        return true;
      },
      `${proc.name} to answer at ${url}`,
      timeoutMs,
      100,
    );
  }

  /** Waits until the bot reports its Socket.io link to the admin is up. */
  async untilLinked(bot: BotHandle, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () => {
        const res = await fetch(`${bot.url}/debug/health-quick`, {
          headers: { authorization: `Bearer ${this.secrets.DEBUG_TOKEN}` },
        });
        const body = (await res.json()) as { checks: { pipeline: { admin_link: { connected: boolean } } } };
        return body.checks.pipeline.admin_link.connected;
      },
      `${bot.instanceId} to connect to the admin`,
      timeoutMs,
      100,
    );
  }

  post(
    body: WebhookBody | string,
    options: PostWebhookOptions & { bot?: number } = {},
  ): Promise<PostWebhookResult> {
    return postWebhook(this.bots[options.bot ?? 0]!.url, body, this.secrets.FB_APP_SECRET, options);
  }

  /** GET a bot debug endpoint with the token. */
  async debug<T>(path: string, bot = 0): Promise<T> {
    const res = await fetch(this.bots[bot]!.url + path, {
      headers: { authorization: `Bearer ${this.secrets.DEBUG_TOKEN}` },
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  /** Logs in to the admin; returns the Cookie header value. */
  async login(password = this.secrets.ADMIN_PASSWORD): Promise<string> {
    const res = await fetch(`${this.adminUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.secrets.ADMIN_USER, password }),
    });
    if (res.status !== 200) throw new Error(`login failed: HTTP ${res.status} ${await res.text()}`);
    return res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  }

  async api<T>(
    path: string,
    cookie: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(this.adminUrl + path, { ...init, headers: { cookie, ...(init.headers ?? {}) } });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (CSV export)
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /** Rows of conversations, oldest first. */
  async conversations() {
    const { rows } = await this.db.query(`SELECT * FROM conversations ORDER BY id`);
    return rows;
  }

  waitFor = waitFor;

  async stop(): Promise<void> {
    await Promise.all([
      ...this.bots.map((b) => b.process.stop()),
      this.admin?.stop(),
      ...this.extraProcesses.map((p) => p.stop()),
    ]);
    await this.graph?.stop();
    await this.gemini?.stop();
    await this.dbProxy?.stop();
    await this.db?.end();
    await this.testDb?.drop();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  /** The logs of every process, for a failing test's report. */
  logs(): string {
    return [this.admin, ...this.extraProcesses, ...this.bots.map((b) => b.process)]
      .filter((p): p is ServiceProcess => p !== undefined)
      .map((p) => `── ${p.name} ──\n${p.lines.slice(-40).join('\n')}`)
      .join('\n');
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const stack = new Stack(options);
  try {
    return await stack.start();
  } catch (err) {
    const logs = stack.logs();
    await stack.stop().catch(() => {});
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
}
