import { DEMO_PAGE } from '../messenger/ids';
import { nameForPsid } from '../simulator/names';
import { type FaultSpec, FaultSwitch } from './faults';
import {
  decodeOperationBody,
  graphErrors,
  newMessageId,
  parseBatch,
  type SentMessage,
  validateSend,
} from './graph-api-wire';
import {
  BoundedLog,
  type FakeReply,
  type FakeRequest,
  type FakeServer,
  type RecordedRequest,
  startFakeServer,
} from './http';

export type { SentMessage } from './graph-api-wire';
export type { RecordedRequest } from './http';

export type GraphFaultKind = 'rate_limit' | 'server_error' | 'timeout' | 'bad_token';
/** `paths`: 'send' (POST /me/messages), 'profile' (GET /<PSID>), or 'all' (also GET /me). */
export type GraphFault = FaultSpec<GraphFaultKind, 'send' | 'profile'>;

export interface UserProfileOverride {
  firstName: string;
  lastName: string;
  profilePic?: string;
}

export interface FakeGraphApiOptions {
  /** 0 (the default) picks a free port */
  port?: number;
  host?: string;
  /** when set, any other (or no) token gets error 190; when unset, every token is accepted */
  pageAccessToken?: string;
  /** PSIDs that get error 551 from the User Profile and Send APIs */
  unavailablePsids?: Iterable<string>;
  /** keep `requests` and `sent()` (default true); benchmarks turn it off */
  record?: boolean;
  /** how many recent requests and sends to keep (default 10,000) */
  maxRecorded?: number;
  latencyMs?: number;
  /** Graph API version in the paths (default v24.0) */
  version?: string;
  /**
   * Meta answers a batch only once all its operations are done, or after its own time limit with
   * null for those still running: with this set, a batch holding an operation that hangs (a
   * `timeout` fault) is answered after this many ms, null for that operation; unset, it is never
   * answered (the client's timeout decides), like a request alone
   */
  batchTimeoutMs?: number;
}

export interface FakeGraphApiCounts {
  requests: number;
  sent: number;
  profiles: number;
  errors: number;
}

export interface FakeGraphApi {
  /** base URL including the version, e.g. http://127.0.0.1:PORT/v24.0: the bot's GRAPH_API_URL */
  url: string;
  port: number;
  /** the most recent requests, oldest first (a snapshot) */
  readonly requests: RecordedRequest[];
  /** the Send API calls that were accepted, oldest first */
  sent(): SentMessage[];
  /** totals since start, kept even when `record` is off */
  counts(): FakeGraphApiCounts;
  setFault(fault: GraphFault | null): void;
  setLatency(ms: number): void;
  setProfile(psid: string, profile: UserProfileOverride): void;
  /** clears the fault, latency, recorded requests, sends and counts */
  reset(): void;
  stop(): Promise<void>;
}

const PROFILE_FIELDS = new Set(['first_name', 'last_name', 'profile_pic', 'name', 'id']);

/**
 * A local stand-in for the Graph API endpoints the bot uses (Send API, User Profile API, GET /me),
 * answering with Meta's wire formats, validation errors and injectable faults.
 */
export async function startFakeGraphApi(options: FakeGraphApiOptions = {}): Promise<FakeGraphApi> {
  const version = options.version ?? 'v24.0';
  const prefix = `/${version}/`;
  const record = options.record ?? true;
  const maxRecorded = options.maxRecorded ?? 10_000;
  const unavailable = new Set(options.unavailablePsids ?? []);
  const profiles = new Map<string, UserProfileOverride>();
  const faults = new FaultSwitch<GraphFaultKind, 'send' | 'profile'>([
    'rate_limit',
    'server_error',
    'timeout',
    'bad_token',
  ]);
  const sentLog = new BoundedLog<SentMessage>(maxRecorded, record);
  const counts: FakeGraphApiCounts = { requests: 0, sent: 0, profiles: 0, errors: 0 };

  function tokenOf(req: FakeRequest): string | undefined {
    const fromQuery = req.query.get('access_token');
    if (fromQuery !== null) return fromQuery;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
    const body = req.body;
    if (typeof body === 'object' && body !== null && 'access_token' in body) {
      const token = (body as { access_token: unknown }).access_token;
      if (typeof token === 'string') return token;
    }
    return undefined;
  }

  function faultReply(kind: GraphFaultKind): FakeReply {
    switch (kind) {
      case 'rate_limit':
        return graphErrors.rateLimit();
      case 'server_error':
        return graphErrors.internal();
      case 'bad_token':
        return graphErrors.badToken();
      case 'timeout':
        return 'hang';
    }
  }

  function send(req: FakeRequest): FakeReply {
    const checked = validateSend(req.body);
    if (!checked.ok) return checked.reply;
    if (unavailable.has(checked.recipientId)) return graphErrors.personUnavailable();
    const messageId = checked.senderAction === null ? newMessageId() : null;
    const text = checked.message?.text;
    counts.sent += 1;
    sentLog.add({
      recipientId: checked.recipientId,
      messagingType: checked.messagingType,
      message: checked.message,
      text: typeof text === 'string' ? text : null,
      senderAction: checked.senderAction,
      messageId,
      at: Date.now(),
    });
    const body =
      messageId === null
        ? { recipient_id: checked.recipientId }
        : { recipient_id: checked.recipientId, message_id: messageId };
    return { status: 200, body };
  }

  function profile(psid: string, req: FakeRequest): FakeReply {
    if (unavailable.has(psid)) return graphErrors.personUnavailable();
    const fields = (req.query.get('fields') ?? 'first_name,last_name,profile_pic')
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    const unknown = fields.find((f) => !PROFILE_FIELDS.has(f));
    if (unknown)
      return graphErrors.invalidParameter(
        `Tried accessing nonexisting field (${unknown}) on node type (User)`,
      );
    const override = profiles.get(psid);
    const { firstName, lastName } = override ?? nameForPsid(psid);
    const values: Record<string, string> = {
      first_name: firstName,
      last_name: lastName,
      name: `${firstName} ${lastName}`,
      // .invalid never resolves, so nothing ever fetches a real picture for a fake user.
      profile_pic: override?.profilePic ?? `https://platform-lookaside.example.invalid/profile/${psid}.jpg`,
    };
    const body: Record<string, string> = {};
    for (const f of fields) if (f !== 'id') body[f] = values[f]!;
    body.id = psid;
    counts.profiles += 1;
    return { status: 200, body };
  }

  function route(req: FakeRequest): FakeReply {
    if (isBatch(req)) return batch(req);
    counts.requests += 1;
    const reply = answer(req);
    if (reply !== 'hang' && reply.status >= 400) counts.errors += 1;
    return reply;
  }

  function answer(req: FakeRequest): FakeReply {
    const rest = req.path.startsWith(prefix) ? req.path.slice(prefix.length) : null;
    let scope: 'send' | 'profile' | 'other';
    if (req.method === 'POST' && rest === 'me/messages') scope = 'send';
    else if (req.method === 'GET' && rest === 'me') scope = 'other';
    else if (req.method === 'GET' && rest !== null && /^\d{1,20}$/.test(rest)) scope = 'profile';
    else return graphErrors.unsupported(req.method, rest ?? req.path);

    const fault = faults.take(scope);
    if (fault) return faultReply(fault);
    if (options.pageAccessToken !== undefined && tokenOf(req) !== options.pageAccessToken) {
      return graphErrors.badToken();
    }
    if (scope === 'send') return send(req);
    if (scope === 'profile') return profile(rest!, req);
    return { status: 200, body: { name: DEMO_PAGE.name, id: DEMO_PAGE.id } };
  }

  /** `POST /<version>/` (or `/`) with a `batch` parameter, in the body or the query string. */
  function isBatch(req: FakeRequest): boolean {
    if (
      req.method !== 'POST' ||
      (req.path !== prefix && req.path !== '/' && req.path !== prefix.slice(0, -1))
    )
      return false;
    return (
      req.query.has('batch') || (typeof req.body === 'object' && req.body !== null && 'batch' in req.body)
    );
  }

  /**
   * A batch request: each operation is answered as if it came alone (faults, token, validation),
   * in order. An operation that hangs holds the whole answer back: for good, or until
   * `batchTimeoutMs`, when it is `null` (Meta's answer for one that did not complete). Each
   * operation counts and is recorded as a request of its own.
   */
  function batch(req: FakeRequest): FakeReply {
    const params = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
      string,
      unknown
    >;
    const parsed = parseBatch(params.batch ?? req.query.get('batch') ?? undefined);
    if (!parsed.ok) return parsed.reply;
    const token = tokenOf(req);
    if (options.pageAccessToken !== undefined && token !== options.pageAccessToken)
      return graphErrors.badToken();
    const includeHeaders =
      String(params.include_headers ?? req.query.get('include_headers') ?? 'true') !== 'false';
    const answers = parsed.operations.map((op) => {
      const url = op.relativeUrl.replace(/^\//, '');
      const q = url.indexOf('?');
      const rest = q === -1 ? url : url.slice(0, q);
      const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
      if (!query.has('access_token') && token !== undefined) query.set('access_token', token);
      const opRequest: FakeRequest = {
        method: op.method,
        path: rest.startsWith(`${version}/`) ? `/${rest}` : `${prefix}${rest}`,
        query,
        headers: req.headers,
        body: op.body === undefined ? undefined : decodeOperationBody(op.body),
        bodyInvalid: false,
      };
      server.recordOperation(opRequest);
      const reply = route(opRequest);
      if (reply === 'hang') return null;
      const headers = Object.entries({ 'content-type': 'application/json; charset=UTF-8', ...reply.headers });
      return {
        code: reply.status,
        ...(includeHeaders ? { headers: headers.map(([name, value]) => ({ name, value })) } : {}),
        body: JSON.stringify(reply.body),
      };
    });
    if (!answers.includes(null)) return { status: 200, body: answers };
    if (options.batchTimeoutMs === undefined) return 'hang';
    return { status: 200, body: answers, delayMs: options.batchTimeoutMs };
  }

  const server: FakeServer = await startFakeServer({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    record,
    maxRecorded,
    route,
  });
  if (options.latencyMs) server.setLatency(options.latencyMs);

  return {
    url: `${server.origin}/${version}`,
    port: server.port,
    get requests() {
      return server.requests();
    },
    sent: () => sentLog.list(),
    counts: () => ({ ...counts }),
    setFault: (fault) => faults.set(fault),
    setLatency: (ms) => server.setLatency(ms),
    setProfile(psid, p) {
      profiles.set(psid, p);
    },
    reset() {
      faults.set(null);
      server.setLatency(0);
      server.clearRequests();
      sentLog.clear();
      Object.assign(counts, { requests: 0, sent: 0, profiles: 0, errors: 0 });
    },
    stop: () => server.stop(),
  };
}
