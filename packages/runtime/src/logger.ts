import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names that must never reach a log line: secrets, and personal data (message text and user
 * names), which we only ever log at debug level and even then redacted by this list.
 */
export const REDACTED_PATHS = [
  'secret',
  'password',
  'token',
  'authorization',
  'cookie',
  'message_text',
  'reply_text',
  'user_name',
  'first_name',
  'last_name',
  'text',
  '*.secret',
  '*.password',
  '*.token',
  '*.message_text',
  '*.reply_text',
  '*.user_name',
  '*.first_name',
  '*.last_name',
  '*.text',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
];

export function createLogger(service: string, level: string, options: LoggerOptions = {}): Logger {
  return pino({
    name: service,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...options,
  });
}

/** Fastify logger options with the same redaction; request URLs lose their query (it may hold ?token=). */
export function fastifyLoggerOptions(service: string, level: string) {
  return {
    name: service,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req(req: { method: string; url: string; ip?: string }) {
        return { method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip };
      },
    },
  };
}
