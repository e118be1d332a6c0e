import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { type FakeReply, type FakeRequest, type RecordedRequest, startFakeServer } from './http';

/**
 * A local stand-in for Slack, Discord, Teams and Alertmanager webhooks: records what arrives and
 * answers 200, or the replies queued for a path (503 then 200, 429 with Retry-After, …).
 */
export interface AlertReceiver {
  port: number;
  url(path: string): string;
  /** requests to `path`, oldest first */
  received(path: string): RecordedRequest[];
  /**
   * The next answers for `path`, in order; after them 200 again. With `when`, only the requests it
   * accepts take them (the others get 200), so a test can aim a failure at one kind of notification
   * without racing the ones that come before it.
   */
  queue(path: string, ...replies: FakeReply[]): void;
  queueWhen(path: string, when: (body: unknown) => boolean, ...replies: FakeReply[]): void;
  /** the status each request to `path` was answered with, in arrival order (as `received`) */
  answered(path: string): Answered[];
  stop(): Promise<void>;
}

export interface Answered {
  status: number;
  body: unknown;
  at: number;
}

interface Queued {
  when: ((body: unknown) => boolean) | undefined;
  reply: FakeReply;
}

export async function startAlertReceiver(options: { port?: number } = {}): Promise<AlertReceiver> {
  const queued = new Map<string, Queued[]>();
  const answers: (Answered & { path: string })[] = [];
  const route = (req: FakeRequest): FakeReply => {
    const list = queued.get(req.path) ?? [];
    const i = list.findIndex((q) => !q.when || q.when(req.body));
    const reply = i < 0 ? { status: 200, body: { ok: true } } : list.splice(i, 1)[0]!.reply;
    if (req.method === 'POST')
      answers.push({
        path: req.path,
        body: req.body,
        at: Date.now(),
        status: reply === 'hang' ? 0 : reply.status,
      });
    return reply;
  };
  const server = await startFakeServer({
    port: options.port ?? 0,
    host: '127.0.0.1',
    record: true,
    maxRecorded: 10_000,
    route,
  });
  const enqueue = (path: string, when: Queued['when'], replies: FakeReply[]) =>
    queued.set(path, [...(queued.get(path) ?? []), ...replies.map((reply) => ({ when, reply }))]);
  return {
    port: server.port,
    url: (path) => `${server.origin}${path}`,
    received: (path) => server.requests().filter((r) => r.path === path && r.method === 'POST'),
    queue: (path, ...replies) => enqueue(path, undefined, replies),
    queueWhen: (path, when, ...replies) => enqueue(path, when, replies),
    answered: (path) => answers.filter((a) => a.path === path).map(({ path: _, ...a }) => a),
    stop: () => server.stop(),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | undefined;
  at: number;
}

/** A local SMTP server (the `smtp-server` package) that keeps every message it accepts. */
export interface MailReceiver {
  port: number;
  url: string;
  mails: ReceivedMail[];
  stop(): Promise<void>;
}

export async function startMailReceiver(user = 'alerts', pass = 'smtp-secret'): Promise<MailReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user });
      else cb(new Error('invalid credentials'));
    },
    onData(stream: SMTPServerDataStream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
          at: Date.now(),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
