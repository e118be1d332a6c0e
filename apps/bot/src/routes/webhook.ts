import { safeEqual } from '@botpulse/runtime';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { BotPrometheus } from '../monitoring/prometheus';
import { type Intake, StorageUnavailableError } from '../pipeline/intake';
import { drainBody } from '../webhook/drain';
import { extractUserEvents, webhookBodySchema } from '../webhook/events';
import { verifySignature } from '../webhook/signature';

export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;
/** How much of an oversized body is read (and thrown away) so the client can read its 413. */
const OVERSIZED_DRAIN = { maxBytes: 20 * 1024 * 1024, maxMs: 10_000 };

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface WebhookRouteOptions {
  appSecret: string;
  verifyToken: string;
  intake: Intake;
  prom: BotPrometheus;
}

/**
 * Meta's webhook: the verify handshake, and event delivery signed with the app secret. Events are
 * stored durably before the 200; a body that cannot be stored gets a 503 so Meta retries it.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookRouteOptions> = async (app: FastifyInstance, opts) => {
  // Signatures are checked on the exact bytes received, before JSON parsing.
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
    (req, raw, done) => {
      const body = raw as Buffer;
      const check = verifySignature(
        body,
        req.headers['x-hub-signature-256'] as string | undefined,
        opts.appSecret,
      );
      if (check !== 'valid') {
        opts.prom.webhookRequests.inc({ outcome: 'bad_signature' });
        const err =
          check === 'missing'
            ? new HttpError(401, 'missing_signature', 'X-Hub-Signature-256 header is required')
            : new HttpError(403, 'invalid_signature', 'X-Hub-Signature-256 does not match the body');
        done(err, undefined);
        return;
      }
      try {
        done(null, JSON.parse(body.toString('utf8')));
      } catch {
        opts.prom.webhookRequests.inc({ outcome: 'invalid' });
        done(new HttpError(400, 'invalid_json', 'body is not valid JSON'), undefined);
      }
    },
  );

  app.get('/webhook', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    if (q['hub.mode'] !== 'subscribe' || typeof q['hub.challenge'] !== 'string') {
      return reply
        .code(400)
        .send({ error: 'invalid_request', message: 'expected hub.mode=subscribe and hub.challenge' });
    }
    if (!safeEqual(q['hub.verify_token'] ?? '', opts.verifyToken)) {
      return reply
        .code(403)
        .send({ error: 'forbidden', message: 'hub.verify_token does not match FB_VERIFY_TOKEN' });
    }
    return reply.type('text/plain').send(q['hub.challenge']);
  });

  // Fastify refuses an oversized body before our parser runs: at once when the Content-Length
  // says so, or once a chunked body passes the limit. Answering mid-upload makes the server close
  // a connection that still has data in flight, and the client sees EPIPE or a reset instead of
  // the 413, so the rest of the body is read and dropped first (bounded in bytes and time).
  app.setErrorHandler(async (err: Error & { code?: string }, req, reply) => {
    if (err.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw err;
    opts.prom.webhookRequests.inc({ outcome: 'too_large' });
    const outcome = await drainBody(req.raw, OVERSIZED_DRAIN);
    // A body past the drain bounds is not read further: the connection closes after the answer.
    if (outcome !== 'ended') reply.header('connection', 'close');
    return reply.code(413).send({
      error: 'payload_too_large',
      message: `request body is larger than ${WEBHOOK_BODY_LIMIT} bytes`,
    });
  });

  app.post('/webhook', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req, reply) => {
    if (!req.headers['content-type']?.startsWith('application/json')) {
      return reply
        .code(415)
        .send({ error: 'unsupported_media_type', message: 'content-type must be application/json' });
    }
    const parsed = webhookBodySchema.safeParse(req.body);
    if (!parsed.success) {
      opts.prom.webhookRequests.inc({ outcome: 'invalid' });
      const issue = parsed.error.issues[0]!;
      return reply.code(400).send({
        error: 'invalid_body',
        message: `${issue.path.join('.') || 'body'}: ${issue.message}`,
      });
    }
    if (parsed.data.object !== 'page') {
      opts.prom.webhookRequests.inc({ outcome: 'invalid' });
      return reply.code(404).send({
        error: 'not_found',
        message: `object "${parsed.data.object}" is not handled (expected "page")`,
      });
    }
    const { events, ignored } = extractUserEvents(parsed.data, Date.now());
    const skewed = events.filter((e) => e.clockSkew).length;
    if (skewed > 0) opts.prom.webhookClockSkew.inc(skewed);
    for (const [type, n] of Object.entries(ignored)) opts.prom.webhookEvents.inc({ type }, n);
    try {
      const { stored, duplicates, rejected } = await opts.intake.accept(events, req.receivedHr);
      if (rejected > 0) opts.prom.webhookEvents.inc({ type: 'unstorable' }, rejected);
      opts.prom.webhookEvents.inc({ type: 'message' }, stored);
      if (duplicates > 0) opts.prom.webhookEvents.inc({ type: 'duplicate' }, duplicates);
    } catch (err) {
      if (err instanceof StorageUnavailableError) {
        opts.prom.webhookRequests.inc({ outcome: 'unavailable' });
        req.log.error(
          { err: err.message },
          'webhook events could not be stored; answering 503 so Meta retries',
        );
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'unavailable', message: 'storage is unavailable, retry later' });
      }
      throw err;
    }
    opts.prom.webhookRequests.inc({ outcome: 'accepted' });
    return reply.type('text/plain').send('EVENT_RECEIVED');
  });
};
