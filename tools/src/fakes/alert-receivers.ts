import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { type FakeReply, type RecordedRequest, startFakeServer } from './http';

/**
 * A local stand-in for Slack, Discord, Teams and Alertmanager webhooks: records what arrives and
 * answers 200, or the replies queued for a path (503 then 200, 429 with Retry-After, …).
 */
export interface AlertReceiver {
  port: number;
  url(path: string): string;
  /** requests to `path`, oldest first */
  received(path: string): RecordedRequest[];
  /** the next answers for `path`, in order; after them 200 again */
  queue(path: string, ...replies: FakeReply[]): void;
  stop(): Promise<void>;
}

export async function startAlertReceiver(options: { port?: number } = {}): Promise<AlertReceiver> {
  const queued = new Map<string, FakeReply[]>();
  const server = await startFakeServer({
    port: options.port ?? 0,
    host: '127.0.0.1',
    record: true,
    maxRecorded: 10_000,
    route: (req) => queued.get(req.path)?.shift() ?? { status: 200, body: { ok: true } },
  });
  return {
    port: server.port,
    url: (path) => `${server.origin}${path}`,
    received: (path) => server.requests().filter((r) => r.path === path && r.method === 'POST'),
    queue(path, ...replies) {
      queued.set(path, [...(queued.get(path) ?? []), ...replies]);
    },
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
