import type { ServerResponse } from 'node:http';
import { type Db, getConversationsAfter } from '@botpulse/db';
import type { FeedMessage } from '@botpulse/protocol';

const MAX_CLIENT_BUFFER_BYTES = 1 << 20;
const REPLAY_LIMIT = 1000;

interface Client {
  res: ServerResponse;
  /** events that arrived while the replay from the database was being sent */
  held: Array<{ id: number; frame: string }> | null;
  /** the highest id the replay covered: a message committed before the replay's query but
   * published after it was replayed already, and must not be sent twice */
  replayedUpTo: number;
  /** writes are corked until the end of this turn of the event loop */
  corked: boolean;
}

/** One SSE `message` event: exactly the live feed's fields (toFeedMessage(), or a feed row). */
function frame(m: FeedMessage): string {
  return `id: ${m.id}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`;
}

/**
 * `GET /debug/message-stream`: Server-Sent Events, one `message` event per processed user message.
 * A client that reconnects with Last-Event-ID first gets what it missed (from the database).
 */
export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  /** told how long each corked write to the clients took (ns): monitoring cost, counted live */
  onFlushTime: (ns: number) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly instanceId: string,
    heartbeatMs = 15_000,
  ) {
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) this.write(c, ': heartbeat\n\n');
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  async attach(res: ServerResponse, lastEventId: number | undefined): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const client: Client = {
      res,
      held: lastEventId !== undefined ? [] : null,
      replayedUpTo: lastEventId ?? 0,
      corked: false,
    };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    if (lastEventId === undefined) return;
    try {
      const missed = await getConversationsAfter(this.db, {
        afterId: lastEventId,
        limit: REPLAY_LIMIT,
        instanceId: this.instanceId,
      });
      for (const m of missed) this.write(client, frame(m));
      client.replayedUpTo = missed.at(-1)?.id ?? lastEventId;
    } catch {
      res.write(': could not replay missed events\n\n');
    }
    const held = client.held ?? [];
    client.held = null;
    for (const h of held) this.send(client, h.id, h.frame);
  }

  /** `message`: exactly the live feed's fields (toFeedMessage()) */
  publish(message: FeedMessage): void {
    if (this.clients.size === 0) return;
    const f = frame(message);
    for (const c of this.clients) {
      if (c.held) c.held.push({ id: message.id, frame: f });
      else this.send(c, message.id, f);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private send(c: Client, id: number, chunk: string) {
    if (id > c.replayedUpTo) this.write(c, chunk);
  }

  private write(c: Client, chunk: string) {
    // A client that stopped reading is dropped rather than buffered without bound.
    if (c.res.writableLength > MAX_CLIENT_BUFFER_BYTES) {
      c.res.destroy();
      this.clients.delete(c);
      return;
    }
    // A burst of messages (a stored batch) becomes one socket write instead of one per message.
    if (!c.corked) {
      c.corked = true;
      c.res.cork();
      setImmediate(() => {
        const started = process.hrtime.bigint();
        c.corked = false;
        c.res.uncork();
        this.onFlushTime(Number(process.hrtime.bigint() - started));
      });
    }
    c.res.write(chunk);
  }
}
