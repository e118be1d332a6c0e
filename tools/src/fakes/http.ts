import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a fake server saw it, for assertions in tests. */
export interface RecordedRequest {
  method: string;
  /** pathname, without the query string */
  path: string;
  query: Record<string, string>;
  /** the body parsed as JSON (or a form's fields); undefined when there was none or it was invalid */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** epoch ms when the request arrived */
  at: number;
  /** an operation of a batch request (Graph API `batch`), recorded beside the batch itself */
  inBatch?: boolean;
}

/** What a fake's router sees: the request, already read and parsed. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** JSON, or an `application/x-www-form-urlencoded` body's fields as strings */
  body: unknown;
  /** true when a body was sent but is not valid JSON */
  bodyInvalid: boolean;
}

/** A JSON answer, or `hang`: never answer (until the server stops or the client gives up). */
export type FakeReply =
  | {
      status: number;
      body: unknown;
      headers?: Record<string, string>;
      /** answer this much later than the configured latency (ms) */
      delayMs?: number;
    }
  | 'hang';

/**
 * Keeps the newest `max` items in arrival order. Benchmarks push millions of requests through a
 * fake, so this must stay bounded; trimming in chunks keeps `add` O(1) amortized.
 */
export class BoundedLog<T> {
  private items: T[] = [];
  constructor(
    private readonly max: number,
    private readonly enabled: boolean,
  ) {}

  add(item: T): void {
    if (!this.enabled) return;
    this.items.push(item);
    if (this.items.length >= this.max + Math.max(1, this.max >> 2)) {
      this.items.splice(0, this.items.length - this.max);
    }
  }

  list(): T[] {
    return this.items.length > this.max ? this.items.slice(-this.max) : this.items.slice();
  }

  clear(): void {
    this.items = [];
  }
}

export interface FakeServerOptions {
  port: number;
  host: string;
  record: boolean;
  maxRecorded: number;
  route: (req: FakeRequest) => FakeReply;
}

export interface FakeServer {
  port: number;
  origin: string;
  requests(): RecordedRequest[];
  /** records an operation a fake unpacked from a request (a batch's), marked `inBatch` */
  recordOperation(request: FakeRequest): void;
  clearRequests(): void;
  setLatency(ms: number): void;
  stop(): Promise<void>;
}

// Real APIs accept far bigger bodies, but nothing our bot sends comes close; the cap only keeps a
// runaway client from eating memory in a benchmark.
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The HTTP plumbing shared by the fakes: read the body, record the request, route it, answer as
 * JSON after the configured latency. No logging and no sync I/O: it sits in benchmark hot paths.
 */
export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const log = new BoundedLog<RecordedRequest>(options.maxRecorded, options.record);
  const timers = new Set<NodeJS.Timeout>();
  let latencyMs = 0;
  let stopped = false;

  const server = createServer((req, res) => {
    readBody(req).then(
      (raw) => {
        try {
          handle(req, res, raw);
        } catch (err) {
          // A bug in a fake must show up in the test that hit it, not crash the test process.
          send(res, { status: 500, body: { error: { message: `fake server error: ${String(err)}` } } });
        }
      },
      () => res.destroy(),
    );
  });

  function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer | 'too_large'): void {
    if (raw === 'too_large') {
      send(res, { status: 413, body: { error: { message: 'Request body too large' } } });
      return;
    }
    const request = parseRequest(req, raw);
    log.add(recorded(request));
    const reply = options.route(request);
    if (reply === 'hang' || stopped) return;
    const delay = latencyMs + (reply.delayMs ?? 0);
    if (delay <= 0) {
      send(res, reply);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(res, reply);
    }, delay);
    timers.add(timer);
  }
  // Clients in benchmarks hold connections open between bursts; outlive undici's 4 s default.
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    origin: `http://${options.host}:${port}`,
    requests: () => log.list(),
    recordOperation: (request) => log.add({ ...recorded(request), inBatch: true }),
    clearRequests: () => log.clear(),
    setLatency(ms: number) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`latency must be a number of ms >= 0, got ${ms}`);
      latencyMs = ms;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging ("timeout" fault) and idle keep-alive connections would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function recorded(request: FakeRequest): RecordedRequest {
  return {
    method: request.method,
    path: request.path,
    query: Object.fromEntries(request.query),
    body: request.body,
    headers: request.headers,
    at: Date.now(),
  };
}

function parseRequest(req: IncomingMessage, raw: Buffer): FakeRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let body: unknown;
  let bodyInvalid = false;
  if (raw.length > 0) {
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    } else {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        bodyInvalid = true;
      }
    }
  }
  return {
    method: req.method ?? 'GET',
    path: safeDecode(q === -1 ? url : url.slice(0, q)),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers: req.headers,
    body,
    bodyInvalid,
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function send(res: ServerResponse, reply: Exclude<FakeReply, 'hang'>): void {
  if (res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    // Both real APIs answer with this exact type; the Gemini SDK only parses error bodies whose
    // content-type includes application/json.
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}
