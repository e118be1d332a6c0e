import { DEMO_PAGE, entry, signBody, textMessage, webhookBody } from '@botpulse/tools/messenger';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, cookieOf, count, dashboardSocket, login } from './admin-support';
import { SseReader } from './helpers/sse';

// No secret and no personal data in the logs at info level: a stack at LOG_LEVEL=info goes
// through messages (answered, failed to send, failed to generate), logins (right, wrong, locked
// out), a password change, logout, the debug endpoints with their token, refused webhooks; then
// every line every process printed is searched for each secret and each personal value.

const PSID = '6800000000000001';
const OTHER = '6800000000000002';
const NAME = { firstName: 'Zephyrina', lastName: 'Quillfeather' };
const OTHER_NAME = { firstName: 'Barnabus', lastName: 'Wigglesworth' };
const TEXTS = [
  'my locker code is pelican-octopus-7731',
  'please call me back, my wife Xanthippe knows',
  'send failure: mango-tractor-5519',
  'generate failure: quokka-saxophone-2284',
];
const WRONG_PASSWORD = 'wrong-pw-Vermillion-Hedgehog';
const NEW_PASSWORD = 'new-pw-Turquoise-Narwhal-9';

let stack: Stack;
/** every value that must not appear in any log line, with what it is */
const needles = new Map<string, string>();

function postRaw(raw: string, headers: Record<string, string>) {
  return fetch(`${stack.bots[0]!.url}/webhook`, { method: 'POST', headers, body: raw });
}

beforeAll(async () => {
  stack = await startStack({ gemini: true, env: { LOG_LEVEL: 'info' } });
  stack.graph!.setProfile(PSID, NAME);
  stack.graph!.setProfile(OTHER, OTHER_NAME);
  for (const [k, v] of Object.entries(stack.secrets)) if (k !== 'ADMIN_USER') needles.set(v, k);
  needles.set('test-page-token', 'FB_PAGE_ACCESS_TOKEN');
  needles.set('test-gemini-key', 'GEMINI_API_KEY');
  for (const v of [NAME.firstName, NAME.lastName, OTHER_NAME.firstName, OTHER_NAME.lastName])
    needles.set(v, 'a user name');
  needles.set(WRONG_PASSWORD, 'a wrong password');
  needles.set(NEW_PASSWORD, 'the new password');
  for (const t of TEXTS) {
    needles.set(t, 'a message text');
    // Any distinctive part of it, too: a log that cut or quoted a piece still leaks.
    for (const word of t.split(/[\s,:]+/))
      if (/\d{4}|[A-Z][a-z]{6,}/.test(word)) needles.set(word, 'part of a message text');
  }
});
afterAll(async () => {
  await stack?.stop();
});

describe('logs at info level', () => {
  it('go through messages, failures, logins, a password change and the debug endpoints', async () => {
    const mids: string[] = [];
    const send = async (psid: string, text: string) => {
      const event = textMessage({ psid, text });
      mids.push(event.message.mid);
      const res = await stack.post(webhookBody([entry(DEMO_PAGE.id, [event])]));
      expect(res.status).toBe(200);
    };
    await send(PSID, TEXTS[0]!);
    await send(OTHER, TEXTS[1]!);
    // Answered before the fault is set: a 200 only acknowledges, so on a busy machine the first two
    // replies could otherwise meet the fault too.
    await stack.waitFor(
      async () =>
        (await count(stack, 'SELECT count(*) AS n FROM conversations WHERE mid = ANY ($1)', [mids])) === 2,
      'the first two answered',
      60_000,
    );
    stack.graph!.setFault({ kind: 'server_error', paths: 'send' });
    await send(PSID, TEXTS[2]!);
    await stack.waitFor(
      async () =>
        (await count(stack, `SELECT count(*) AS n FROM conversations WHERE status = 'failed'`)) === 1,
      'the failed send',
      60_000,
    );
    stack.graph!.setFault(null);
    stack.gemini!.setFault({ kind: 'invalid_argument', paths: 'generate' });
    await send(OTHER, TEXTS[3]!);
    await stack.waitFor(
      async () =>
        (await count(stack, 'SELECT count(*) AS n FROM conversations WHERE mid = ANY ($1)', [mids])) === 4,
      'every message stored',
      60_000,
    );
    stack.gemini!.setFault(null);
    // The replies are personal data too.
    const { rows } = await stack.db.query<{ reply_text: string }>(
      'SELECT reply_text FROM conversations WHERE reply_text IS NOT NULL',
    );
    for (const r of rows) if (r.reply_text.length > 12) needles.set(r.reply_text, 'a reply text');

    // Refused webhooks: a wrong signature, and the verify handshake with the token in the URL.
    const raw = JSON.stringify(
      webhookBody([entry(DEMO_PAGE.id, [textMessage({ psid: PSID, text: TEXTS[0]! })])]),
    );
    const wrongSig = signBody(raw, `${stack.secrets.FB_APP_SECRET}-nope`);
    needles.set(wrongSig.slice(7), 'a webhook signature');
    needles.set(signBody(raw, stack.secrets.FB_APP_SECRET).slice(7), 'a webhook signature');
    expect(
      (await postRaw(raw, { 'content-type': 'application/json', 'x-hub-signature-256': wrongSig })).status,
    ).toBe(403);
    const verify = await fetch(
      `${stack.bots[0]!.url}/webhook?hub.mode=subscribe&hub.verify_token=${stack.secrets.FB_VERIFY_TOKEN}&hub.challenge=42`,
    );
    expect(verify.status).toBe(200);

    // The debug endpoints, with the token in the header and (SSE) in the URL.
    const auth = { authorization: `Bearer ${stack.secrets.DEBUG_TOKEN}` };
    for (const path of ['/debug/health-quick', '/debug/metrics', '/metrics'])
      expect((await fetch(stack.bots[0]!.url + path, { headers: auth })).status).toBe(200);
    expect(
      (await fetch(`${stack.bots[0]!.url}/debug/metrics`, { headers: { authorization: 'Bearer not-it' } }))
        .status,
    ).toBe(401);
    const sse = await SseReader.open(
      `${stack.bots[0]!.url}/debug/message-stream?token=${stack.secrets.DEBUG_TOKEN}`,
    );
    expect(sse.status).toBe(200);
    await sse.close();
    expect((await fetch(`${stack.adminUrl}/metrics`, { headers: auth })).status).toBe(200);

    // Logins: a wrong password, then the right one; the dashboard socket; a password change;
    // a logout; a lockout.
    expect((await login(stack, 'admin', WRONG_PASSWORD)).status).toBe(401);
    const res = await login(stack, 'admin', stack.secrets.ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    const cookie = cookieOf(res);
    needles.set(cookie.split('=')[1]!, 'a session cookie');
    const socket = dashboardSocket(stack, { cookie });
    expect(await connect(socket)).toEqual({ ok: true });
    socket.disconnect();
    expect((await stack.api('/api/monitoring/dashboard', cookie)).status).toBe(200);
    const change = await stack.api('/api/auth/password', cookie, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ current_password: stack.secrets.ADMIN_PASSWORD, new_password: NEW_PASSWORD }),
    });
    expect(change.status).toBe(204);
    const wrongChange = await stack.api('/api/auth/password', cookie, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ current_password: WRONG_PASSWORD, new_password: `${NEW_PASSWORD}-2` }),
    });
    expect(wrongChange.status).toBe(403);
    const second = await login(stack, 'admin', NEW_PASSWORD);
    expect(second.status).toBe(200);
    needles.set(cookieOf(second).split('=')[1]!, 'a session cookie');
    // A data-protection request: one user's data deleted.
    expect((await stack.api(`/api/users/${OTHER}`, cookieOf(second), { method: 'DELETE' })).status).toBe(200);
    expect((await stack.api('/api/auth/logout', cookie, { method: 'POST' })).status).toBe(204);
    expect((await stack.api('/api/auth/me', cookie, { headers: { cookie } })).status).toBe(401);
    for (let i = 0; i < 5; i++) await login(stack, 'admin', `${WRONG_PASSWORD}-${i}`);
    expect((await login(stack, 'admin', NEW_PASSWORD)).status).toBe(429);
  });

  it('keep an audit trail: who deleted a user’s data or changed a password, and from where', async () => {
    await stack.admin!.waitForLine(/user data deleted/);
    const audit = stack
      .admin!.lines.map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => typeof e.audit === 'string');
    const of = (kind: string) => audit.filter((e) => e.audit === kind);
    expect(of('user_deleted')).toEqual([
      expect.objectContaining({
        user_id: OTHER,
        username: 'admin',
        address: '127.0.0.1',
        deleted_messages: 2,
      }),
    ]);
    expect(of('password_changed')).toEqual([
      expect.objectContaining({ username: 'admin', address: '127.0.0.1' }),
    ]);
    expect(of('password_change_refused')).toEqual([
      expect.objectContaining({ username: 'admin', address: '127.0.0.1' }),
    ]);
    expect(of('login').length).toBe(2);
    expect(of('login_failed').length).toBeGreaterThanOrEqual(6);
    for (const e of audit) expect(e.level, JSON.stringify(e)).toBeGreaterThanOrEqual(30);
  });

  it('contain no secret, no message text, no user name, no password and no cookie', async () => {
    // The lines above were printed (a scan of nothing would prove nothing).
    await stack.admin!.waitForLine(/admin password changed/);
    await stack.admin!.waitForLine(/failed admin login/);
    const processes = [stack.admin!, ...stack.bots.map((b) => b.process)];
    for (const proc of processes) {
      expect(proc.lines.length, proc.name).toBeGreaterThan(3);
      const leaks: string[] = [];
      for (const line of proc.lines)
        for (const [needle, what] of needles)
          if (line.includes(needle)) leaks.push(`${what} in: ${line.slice(0, 300)}`);
      expect(leaks, proc.name).toEqual([]);
    }
    // Every line is JSON at info level or above (nothing printed around the logger).
    for (const proc of processes)
      for (const line of proc.lines) {
        const entry = JSON.parse(line) as { level: number };
        expect(entry.level, line.slice(0, 200)).toBeGreaterThanOrEqual(30);
      }
    console.log(
      `[logs] searched ${processes.map((p) => `${p.lines.length} lines of ${p.name}`).join(', ')} for ${needles.size} values`,
    );
  });
});
