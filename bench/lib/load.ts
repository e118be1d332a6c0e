import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

const PAGE_ID = '104828345670001';

export interface SentMessage {
  seq: number;
  text: string;
  sentAt: number;
  status: number;
  ackMs: number;
}

/**
 * Signed Messenger webhooks, one user message per POST (as the benchmark asks), over a keep-alive
 * pool. Each message has a fresh mid and a text carrying its sequence number, so a dashboard client
 * can match what it receives to when it was sent.
 */
export class WebhookLoad {
  private readonly pool: Pool;
  private seq = 0;
  /** called as each message goes out (before its answer), e.g. to match it when it comes back live */
  onSend: (text: string, sentAt: number) => void = () => {};

  constructor(
    botUrl: string,
    private readonly secret: string,
    private readonly users: string[],
    connections = 256,
  ) {
    this.pool = new Pool(botUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async send(tag: string): Promise<SentMessage> {
    const seq = this.seq++;
    const now = Date.now();
    const text = `${tag} #${seq}`;
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: now,
          messaging: [
            {
              sender: { id: this.users[seq % this.users.length] },
              recipient: { id: PAGE_ID },
              timestamp: now,
              message: { mid: `m_bench_${tag}_${seq}_${now}`, text },
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
    const sentAt = performance.now();
    this.onSend(text, sentAt);
    const res = await this.pool.request({
      path: '/webhook',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
    });
    await res.body.dump();
    return { seq, text, sentAt, status: res.statusCode, ackMs: performance.now() - sentAt };
  }

  /** `concurrency` senders back to back for `durationMs`: the most the bot can take. */
  async closedLoop(
    tag: string,
    concurrency: number,
    durationMs: number,
    onEach: (m: SentMessage) => void,
  ): Promise<void> {
    const end = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) onEach(await this.send(tag).catch(() => failed(tag)));
      }),
    );
  }

  /**
   * A fixed offered rate, open loop: sends are due at absolute times and never wait for earlier
   * answers, so a slow bot does not lower the rate (coordinated omission).
   */
  async openLoop(
    tag: string,
    perSecond: number,
    durationMs: number,
    onEach: (m: SentMessage) => void,
  ): Promise<number> {
    const start = performance.now();
    const total = Math.round((perSecond * durationMs) / 1000);
    const pending: Promise<void>[] = [];
    let lateMs = 0;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      else lateMs = Math.max(lateMs, -wait);
      pending.push(this.send(tag).then(onEach, () => onEach(failed(tag))));
    }
    await Promise.all(pending);
    return lateMs;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function failed(tag: string): SentMessage {
  return { seq: -1, text: tag, sentAt: performance.now(), status: 0, ackMs: Number.NaN };
}

/** `n` PSID-like user ids (16 digits). */
export function userIds(n: number, offset = 0): string[] {
  return Array.from({ length: n }, (_, i) => String(6_512_000_000_000_000 + (i + offset) * 7_919));
}
