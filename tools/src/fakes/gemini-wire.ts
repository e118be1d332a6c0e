import { randomBytes } from 'node:crypto';
import {
  type AnswerKind,
  blockedBody,
  type ForcedAnswer,
  safetyCandidate,
  usageMetadata,
} from './gemini-usage';
import type { FakeReply } from './http';

type JsonReply = Exclude<FakeReply, 'hang'>;

/** Google's error envelope, as in tools/fixtures/gemini: `{error: {code, message, status}}`. */
function googleError(code: number, status: string, message: string, details?: unknown[]): JsonReply {
  return { status: code, body: { error: { code, message, status, ...(details ? { details } : {}) } } };
}

export const geminiErrors = {
  rateLimit: () => googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'),
  internal: () => googleError(500, 'INTERNAL', 'An internal error has occurred. Please retry or report.'),
  invalidArgument: (message = 'Request contains an invalid argument.') =>
    googleError(400, 'INVALID_ARGUMENT', message),
  /** What Google answers for a wrong key: 400, not 401/403. */
  apiKeyInvalid: () =>
    googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
      {
        '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
        locale: 'en-US',
        message: 'API key not valid. Please pass a valid API key.',
      },
    ]),
  /** No key at all: Google refuses unidentified callers with 403. */
  keyMissing: () =>
    googleError(
      403,
      'PERMISSION_DENIED',
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    ),
  modelNotFound: (model: string, version: string) =>
    googleError(
      404,
      'NOT_FOUND',
      `models/${model} is not found for API version ${version}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    ),
  notFound: () => googleError(404, 'NOT_FOUND', 'Method not found.'),
};

export interface ParsedGenerateRequest {
  /** text of the last `user` turn, parts joined */
  lastUserText: string;
  /** rough token count of everything sent (contents and system instruction) */
  promptTokens: number;
  /** the system instruction's text ('' without one): a repeated one is served from the cache */
  systemText: string;
  maxOutputTokens: number | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function partsText(content: unknown): string {
  if (!isObject(content) || !Array.isArray(content.parts)) return '';
  return content.parts
    .map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

/** The same rough rule Google documents for English: about four characters per token. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/** Validates a generateContent body with Google's messages; returns what the fake needs from it. */
export function parseGenerateRequest(body: unknown): ParsedGenerateRequest | JsonReply {
  const invalid = geminiErrors.invalidArgument;
  if (!isObject(body)) return invalid('Invalid JSON payload received.');
  const { contents } = body;
  if (!Array.isArray(contents) || contents.length === 0) {
    return invalid('* GenerateContentRequest.contents: contents is not specified\n');
  }
  let lastUserText = '';
  const systemText = partsText(body.systemInstruction);
  let promptChars = systemText.length;
  for (const [i, content] of contents.entries()) {
    if (!isObject(content)) return invalid(`* GenerateContentRequest.contents[${i}]: must be an object\n`);
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model') {
      return invalid('Please use a valid role: user, model.');
    }
    if (!Array.isArray(content.parts) || content.parts.length === 0) {
      return invalid(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`);
    }
    const text = partsText(content);
    promptChars += text.length;
    if (content.role !== 'model') lastUserText = text;
  }
  const config = isObject(body.generationConfig) ? body.generationConfig : {};
  const max = config.maxOutputTokens;
  if (max !== undefined && !(Number.isInteger(max) && (max as number) > 0)) {
    return invalid(
      '* GenerateContentRequest.generation_config.max_output_tokens: must be a positive integer\n',
    );
  }
  return {
    lastUserText,
    promptTokens: Math.ceil(promptChars / 4),
    systemText,
    maxOutputTokens: max as number | undefined,
  };
}

const GREETING =
  /^(hi|hello|hey|hallo|hola|bonjour|salut|ciao|good (morning|afternoon|evening))\b|^(你好|👋)/i;

/**
 * The default reply: short, friendly and derived only from the user's text, so a test can predict
 * it (`defaultReply(text)`) and a demo reads naturally. Always under 200 characters.
 */
export function defaultReply(userText: string): string {
  const text = userText.replace(/\s+/g, ' ').trim();
  if (text === '') return 'Thanks for reaching out! How can I help you today?';
  if (GREETING.test(text) && text.length <= 24) return 'Hi there! 👋 How can I help you today?';
  let topic = text.replace(/[?!.…,;:]+$/u, '');
  if ([...topic].length > 60) topic = `${[...topic].slice(0, 57).join('').trimEnd()}…`;
  return text.includes('?')
    ? `Good question about "${topic}"! We'd be happy to help. Could you tell us a bit more?`
    : `Thanks for your message about "${topic}". We'll help you with that right away!`;
}

/** How one answer turns out: decided by the fake (seeded dice, the cache, a forced answer). */
export interface AnswerPlan {
  kind: AnswerKind;
  /** thinking tokens (0: none) */
  thoughts: number;
  /** prompt tokens served from the implicit cache (0: none) */
  cached: number;
  forced?: ForcedAnswer;
}

const PLAIN: AnswerPlan = { kind: 'stop', thoughts: 0, cached: 0 };

/**
 * A generateContent answer shaped like tools/fixtures/gemini/generate-success.json, with the usage
 * the real API reports: token counts that follow the text, thinking and cached tokens when planned,
 * a MAX_TOKENS or SAFETY finish, or a prompt block without candidates.
 */
export function generateSuccess(
  model: string,
  reply: string,
  request: ParsedGenerateRequest,
  plan: AnswerPlan = PLAIN,
): JsonReply {
  const forced = plan.forced ?? {};
  const modelVersion = forced.modelVersion ?? model;
  const responseId = randomBytes(17).toString('base64url');
  const cached = Math.min(plan.cached, request.promptTokens);
  const blockReason = forced.blockReason ?? (plan.kind === 'blocked' ? 'SAFETY' : undefined);
  if (blockReason !== undefined) {
    const usage = usageMetadata(request.promptTokens, undefined, { cached }, forced.usage);
    return { status: 200, body: blockedBody(blockReason, usage, modelVersion, responseId) };
  }
  let text = forced.text ?? reply;
  let finishReason = forced.finishReason ?? (plan.kind === 'safety' ? 'SAFETY' : 'STOP');
  const limit = request.maxOutputTokens;
  if (plan.kind === 'max_tokens' && forced.finishReason === undefined) {
    // A long answer the limit cut short: the text ends mid-sentence and fills the limit.
    text = `${text} ${text}`.slice(0, Math.max(8, Math.floor(text.length * 0.7)));
    finishReason = 'MAX_TOKENS';
  } else if (limit !== undefined && estimateTokens(text) > limit) {
    // As the real model does: cut the text off and say why.
    text = text.slice(0, limit * 4);
    finishReason = 'MAX_TOKENS';
  }
  const safety = finishReason === 'SAFETY';
  const candidates = safety ? undefined : estimateTokens(text);
  const usage = usageMetadata(
    request.promptTokens,
    candidates,
    { cached, thoughts: plan.thoughts },
    forced.usage,
  );
  const candidate = safety
    ? safetyCandidate()
    : { content: { parts: [{ text }], role: 'model' }, finishReason, index: 0 };
  return {
    status: 200,
    body: { candidates: [candidate], usageMetadata: usage, modelVersion, responseId },
  };
}

/** `GET /v1beta/models/<model>`: the model resource, as the bot's health check reads it. */
export function modelDescription(model: string) {
  const displayName = model
    .split('-')
    .map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');
  return {
    name: `models/${model}`,
    version: '001',
    displayName,
    description: `${displayName} (local fake for tests and demos)`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: [
      'generateContent',
      'countTokens',
      'createCachedContent',
      'batchGenerateContent',
    ],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}
