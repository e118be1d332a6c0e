/** One Server-Sent Event as the browser's EventSource would dispatch it. */
export interface SseEvent {
  /** the `id:` field of this event (undefined when the event had none) */
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * A Server-Sent Events client over fetch streaming, for tests: it keeps every event, comment and
 * `retry:` value it reads, so a test can wait for them with `stack.waitFor`.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retryMs: number | undefined;
  /** true once the server ended the stream (or the reader was closed) */
  ended = false;
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;
  private buffer = '';
  private pending: { id: string | undefined; event: string; data: string[] } = {
    id: undefined,
    event: '',
    data: [],
  };

  private constructor(readonly response: Response) {
    this.done = this.pump();
  }

  /** Opens the stream; resolves once the response headers arrived (any status). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    const reader = new SseReader(response);
    reader.abort.signal.addEventListener('abort', () => abort.abort());
    return reader;
  }

  get status(): number {
    return this.response.status;
  }

  /** The `message` events' data, parsed as JSON. */
  messages<T>(): Array<{ id: string | undefined; data: T }> {
    return this.events
      .filter((e) => e.event === 'message')
      .map((e) => ({ id: e.id, data: JSON.parse(e.data) as T }));
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async pump(): Promise<void> {
    const body = this.response.body;
    if (!body) {
      this.ended = true;
      return;
    }
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.feed(decoder.decode(chunk, { stream: true }));
      }
    } catch {
      // aborted by close(), or the connection dropped: either way the stream is over
    } finally {
      this.ended = true;
    }
  }

  private feed(text: string): void {
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (line === '') {
      const p = this.pending;
      if (p.data.length > 0)
        this.events.push({ id: p.id, event: p.event || 'message', data: p.data.join('\n') });
      this.pending = { id: undefined, event: '', data: [] };
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.pending.data.push(value);
    else if (field === 'event') this.pending.event = value;
    else if (field === 'id') this.pending.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}
