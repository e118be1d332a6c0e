import { randomBytes } from 'node:crypto';
import type { FakeReply } from './http';

/**
 * Graph API error answers, shaped exactly like the fixtures in tools/fixtures/graph-api
 * (`{error: {message, type, code, error_subcode?, fbtrace_id}}`).
 *
 * HTTP statuses: Meta answers parameter, permission and rate-limit errors with 400. For an invalid
 * token (190) it answers 401 with a `WWW-Authenticate` header, and we do the same, so a client that
 * only looks at `status === 400` is caught here rather than in production. Internal errors are 500.
 */
function graphError(
  status: number,
  error: { message: string; type: string; code: number; error_subcode?: number; is_transient?: boolean },
  headers?: Record<string, string>,
): Exclude<FakeReply, 'hang'> {
  const fbtrace_id = randomBytes(8).toString('base64url');
  return {
    status,
    body: { error: { ...error, fbtrace_id } },
    headers: { 'x-fb-trace-id': fbtrace_id, ...headers },
  };
}

export const graphErrors = {
  badToken: () =>
    graphError(
      401,
      {
        message: 'Invalid OAuth access token - Cannot parse access token',
        type: 'OAuthException',
        code: 190,
      },
      { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' },
    ),
  rateLimit: () =>
    graphError(400, {
      message: '(#613) Calls to this api have exceeded the rate limit.',
      type: 'OAuthException',
      code: 613,
    }),
  personUnavailable: () =>
    graphError(400, {
      message: "(#551) This person isn't available right now.",
      type: 'OAuthException',
      code: 551,
      error_subcode: 1545041,
    }),
  invalidParameter: (detail: string, subcode?: number) =>
    graphError(400, {
      message: `(#100) ${detail}`,
      type: 'OAuthException',
      code: 100,
      ...(subcode === undefined ? {} : { error_subcode: subcode }),
    }),
  internal: () =>
    graphError(500, {
      message: 'An unexpected error has occurred. Please retry your request later.',
      type: 'OAuthException',
      code: 2,
      is_transient: true,
    }),
  unsupported: (method: string, path: string) =>
    graphError(400, {
      message: `Unsupported ${method.toLowerCase()} request. Object with ID '${path}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
    }),
};

/** A Send API call the fake accepted. */
export interface SentMessage {
  recipientId: string;
  messagingType: string | null;
  /** the `message` object as sent (text, attachment, quick_replies, metadata…); null for a sender action */
  message: Record<string, unknown> | null;
  text: string | null;
  senderAction: string | null;
  /** null for a sender action, which Meta answers without one */
  messageId: string | null;
  at: number;
}

export const MAX_TEXT_CHARS = 2000;
const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'];
const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen'];

export type SendValidation =
  | {
      ok: true;
      recipientId: string;
      messagingType: string | null;
      message: Record<string, unknown> | null;
      senderAction: string | null;
    }
  | { ok: false; reply: Exclude<FakeReply, 'hang'> };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a Send API body the way Meta does, with Meta's (#100) messages. */
export function validateSend(body: unknown): SendValidation {
  const fail = (detail: string, subcode?: number) =>
    ({ ok: false, reply: graphErrors.invalidParameter(detail, subcode) }) as const;
  const b = isObject(body) ? body : {};
  const recipient = b.recipient;
  const rawId = isObject(recipient) ? recipient.id : undefined;
  if (typeof rawId !== 'string' && typeof rawId !== 'number')
    return fail('The parameter recipient is required');
  const recipientId = String(rawId);
  if (!/^\d{1,20}$/.test(recipientId)) return fail('No matching user found', 2018001);

  const senderAction = b.sender_action;
  if (senderAction !== undefined) {
    if (typeof senderAction !== 'string' || !SENDER_ACTIONS.includes(senderAction)) {
      return fail(`Param sender_action must be one of {${SENDER_ACTIONS.join(', ')}}`);
    }
    if (b.message !== undefined) return fail('Cannot send a message and a sender action in one request');
    return { ok: true, recipientId, messagingType: null, message: null, senderAction };
  }

  const messagingType = b.messaging_type;
  if (messagingType === undefined) return fail('The parameter messaging_type is required');
  if (typeof messagingType !== 'string' || !MESSAGING_TYPES.includes(messagingType)) {
    return fail(
      `Param messaging_type must be one of {${MESSAGING_TYPES.join(', ')}} - got "${String(messagingType)}"`,
    );
  }
  if (messagingType === 'MESSAGE_TAG' && typeof b.tag !== 'string') {
    return fail('The parameter tag is required for messaging_type MESSAGE_TAG');
  }

  const message = b.message;
  if (message === undefined) return fail('Must send either message or sender action');
  if (!isObject(message)) return fail('Param message must be a JSON object');
  const { text, attachment } = message;
  if (text === undefined && attachment === undefined) {
    return fail('Message cannot be empty, must provide valid attachment or text');
  }
  if (text !== undefined && attachment !== undefined)
    return fail('Only one of text or attachment can be specified');
  if (text !== undefined) {
    if (typeof text !== 'string' || text.length === 0) {
      return fail('Param message[text] must be a non-empty UTF-8 encoded string');
    }
    // Meta counts characters; counting code points (not UTF-16 units) is the lenient reading, so a
    // bot that splits by `string.length` passes here and against Meta alike.
    if ([...text].length > MAX_TEXT_CHARS) {
      return fail(`Length of param message[text] must be less than or equal to ${MAX_TEXT_CHARS}`);
    }
  }
  return { ok: true, recipientId, messagingType, message, senderAction: null };
}

/** A Send API `message_id`, shaped like the fixture's (`m_` + 86 base64url characters). */
export function newMessageId(): string {
  return `m_${randomBytes(64).toString('base64url')}`;
}

/** Meta's limit on the operations of one batch request. */
export const MAX_BATCH_OPERATIONS = 50;

/** One operation of a batch request: `relative_url` is the path after the host (and version). */
export interface BatchOperation {
  method: string;
  relativeUrl: string;
  /** a POST's parameters, form-encoded as Meta documents it */
  body: string | undefined;
}

/**
 * Reads a batch request's `batch` parameter (a JSON array of `{method, relative_url, body?}`),
 * with Meta's (#100) errors for a missing, malformed or oversized batch.
 * https://developers.facebook.com/docs/graph-api/batch-requests
 */
export function parseBatch(
  raw: unknown,
): { ok: true; operations: BatchOperation[] } | { ok: false; reply: Exclude<FakeReply, 'hang'> } {
  const fail = (detail: string) => ({ ok: false, reply: graphErrors.invalidParameter(detail) }) as const;
  if (typeof raw !== 'string') return fail('The parameter batch is required');
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    return fail('batch parameter must be a JSON array');
  }
  if (!Array.isArray(list) || list.length === 0) return fail('batch parameter must be a JSON array');
  if (list.length > MAX_BATCH_OPERATIONS) {
    return fail(`Too many requests in batch message. Maximum batch size is ${MAX_BATCH_OPERATIONS}`);
  }
  const operations: BatchOperation[] = [];
  for (const op of list) {
    if (!isObject(op) || typeof op.method !== 'string' || typeof op.relative_url !== 'string') {
      return fail('Each batch operation needs a method and a relative_url');
    }
    if (op.body !== undefined && typeof op.body !== 'string') {
      return fail('The body of a batch operation must be a form-encoded string');
    }
    operations.push({ method: op.method.toUpperCase(), relativeUrl: op.relative_url, body: op.body });
  }
  return { ok: true, operations };
}

/** A batch operation's form-encoded body as the Graph API reads it: object parameters are JSON. */
export function decodeOperationBody(body: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const v = value.trim();
    if (v.startsWith('{') || v.startsWith('[')) {
      try {
        fields[key] = JSON.parse(v);
        continue;
      } catch {
        // not JSON after all: kept as the string Meta would see
      }
    }
    fields[key] = value;
  }
  return fields;
}
