/**
 * How a database error is answered. The rule is turned round on purpose: only an error caused by
 * the event's own data may drop an event; every other error (read-only standby, missing relation,
 * permissions, timeouts, lost connection, a bug) is "retry later", so nothing acknowledged is lost.
 */

interface PgLikeError {
  code?: unknown;
  message?: unknown;
}

function sqlState(err: unknown): string | undefined {
  const code = (err as PgLikeError | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  const message = (err as PgLikeError | null)?.message;
  return typeof message === 'string' ? message : '';
}

/**
 * The event itself cannot be stored, however often it is retried: SQLSTATE class 22 (data
 * exception: bad encoding, a value out of range, invalid JSON text) and 54000/54001 (a value or
 * statement too large or too complex). Only these may drop an event.
 */
export function isEventDataError(err: unknown): boolean {
  const code = sqlState(err);
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return code.startsWith('22') || code === '54000' || code === '54001';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
/**
 * SQLSTATEs that mean "not now" rather than "never": 25006 read-only transaction (a standby after
 * failover, default_transaction_read_only), 42P01/42883 undefined table/function (a wrong
 * search_path or a half-migrated database), 42501 insufficient privilege, 57014 statement timeout
 * or cancel, 55P03 lock not available.
 */
const UNAVAILABLE_CODES = new Set(['25006', '42P01', '42883', '42501', '57014', '55P03']);

/**
 * Whether an error means the database cannot serve us right now (refused, reset, read-only,
 * out of resources, shutting down, misconfigured) rather than a bad request: callers answer 503
 * and retry, never 500, and health says the database is down.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err) return false;
  const code = sqlState(err);
  const message = messageOf(err);
  if (code) {
    if (NETWORK_CODES.has(code)) return true;
    if (UNAVAILABLE_CODES.has(code)) return true;
    // 08 connection exception, 53 insufficient resources (disk full, out of memory, too many
    // connections), 58 system error (I/O), 57P admin shutdown / crash / cannot connect now
    if (/^(08|53|58|57P)/.test(code)) return true;
    if (code === '55000' && /not accepting connections/i.test(message)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
    message,
  );
}
