import type { PGlite } from '@electric-sql/pglite';

interface Item {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

const PROTOCOL_V3 = 196608;

/** Where a client's turn on the single PGlite session may end: after Sync, a simple Query, or Terminate. */
function endsTurn(message: Uint8Array): boolean {
  if (message.length >= 8) {
    const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
    if (view.getInt32(4) === PROTOCOL_V3) return true; // startup message
  }
  const type = String.fromCharCode(message[0] ?? 0);
  return type === 'S' || type === 'Q' || type === 'X';
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The SQL text of a simple Query ('Q') or a Parse ('P'); undefined for any other message. */
function sqlOf(message: Uint8Array): string | undefined {
  const type = String.fromCharCode(message[0] ?? 0);
  if (type !== 'Q' && type !== 'P') return undefined;
  let start = 5;
  if (type === 'P') {
    while (start < message.length && message[start] !== 0) start++; // statement name
    start++;
  }
  let end = start;
  while (end < message.length && message[end] !== 0) end++;
  return decoder.decode(message.subarray(start, end));
}

/**
 * Statements whose effect outlives the turn on the shared session: settings (`SET search_path`,
 * pg_dump's `set_config`), prepared statements, cursors, LISTEN, temporary tables. Matched at the
 * start of a statement, so `UPDATE … SET` is not one (nor SET LOCAL / SET TRANSACTION, which end with
 * the transaction).
 */
const SESSION_CHANGING =
  /(?:^|;)\s*(?:SET(?!\s+(?:LOCAL|TRANSACTION)\b)|RESET|DISCARD|PREPARE|DEALLOCATE|LISTEN|UNLISTEN|DECLARE|LOAD|CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?TEMP)\b|\bset_config\s*\(/i;
/** `COPY … FROM STDIN` would put the one session into copy mode, waiting on one client's data. */
const COPY_FROM_STDIN = /(?:^|;)\s*COPY\b[^;]*\bFROM\s+STDIN\b/i;
const COPY_REFUSAL =
  "DO $refuse$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'COPY FROM STDIN is not supported by the embedded database (one session shared by every client)', HINT = 'load with INSERT, or set DATABASE_URL to a PostgreSQL server for COPY'; END $refuse$";

/**
 * DISCARD ALL without its pg_advisory_unlock_all(): every client shares the one session, so a
 * session-level advisory lock (node-pg-migrate's migration lock) belongs to all and must survive.
 */
const SESSION_RESET =
  'CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES';

/** The same message with its SQL replaced (a statement raising the COPY refusal). */
function withSql(message: Uint8Array, sql: string): Uint8Array {
  const type = message[0]!;
  const parts: number[] = [];
  if (String.fromCharCode(type) === 'P') {
    let end = 5;
    while (end < message.length && message[end] !== 0) end++;
    parts.push(...message.subarray(5, end + 1)); // statement name and its NUL
  }
  parts.push(...encoder.encode(sql), 0);
  if (String.fromCharCode(type) === 'P') parts.push(0, 0); // no parameter types
  const out = new Uint8Array(5 + parts.length);
  out[0] = type;
  new DataView(out.buffer).setInt32(1, 4 + parts.length);
  out.set(parts, 5);
  return out;
}

/**
 * Serialises several wire-protocol clients onto PGlite's one session. pglite-socket's own queue
 * switches clients between any two messages, so one client's Parse/Bind/Execute could run between
 * another's and use its unnamed statement ("bind message supplies 2 parameters…" under load).
 * Here a client keeps the session from its first message until its Sync (or simple Query), and
 * for as long as it is inside a transaction.
 *
 * The session is shared, so one client's session state must not leak into the others: when a
 * client changed it (SET search_path, set_config, PREPARE…), the session is reset (DISCARD ALL but
 * the advisory locks)
 * before another client's turn. Only then: resetting on every switch cost 25–60 % throughput.
 * COPY FROM STDIN is refused with SQLSTATE 0A000 (the protocol stays in sync).
 */
export class StickyQueryQueue {
  private queue: Item[] = [];
  private processing = false;
  private owner: number | null = null;
  /** the client that changed session state since the last reset */
  private dirty: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('client disconnected'));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    // The client left mid-turn: end its transaction or half-finished statement, free the session.
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => {});
    this.owner = null;
    void this.process();
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = this.owner === null ? 0 : this.queue.findIndex((i) => i.handlerId === this.owner);
        if (index < 0) break; // the owner's next message has not arrived yet
        const item = this.queue.splice(index, 1)[0]!;
        const type = String.fromCharCode(item.message[0] ?? 0);
        // CopyData/CopyDone/CopyFail outside copy mode are ignored, as PostgreSQL does.
        if (type === 'd' || type === 'c' || type === 'f') {
          item.resolve(0);
          continue;
        }
        let message = item.message;
        const sql = sqlOf(message);
        if (sql !== undefined) {
          if (COPY_FROM_STDIN.test(sql)) message = withSql(message, COPY_REFUSAL);
          else if (SESSION_CHANGING.test(sql)) this.dirty = item.handlerId;
        }
        let bytes = 0;
        try {
          if (this.dirty !== null && this.dirty !== item.handlerId && !this.db.isInTransaction()) {
            this.dirty = null;
            await this.db.exec(SESSION_RESET);
          }
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          item.reject(err);
          continue;
        }
        this.owner = this.db.isInTransaction() || !endsTurn(item.message) ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
