/** One server-sent event as a client parses it. */
export interface ServerEvent {
  event: string;
  id?: string;
  data: any;
}

/**
 * A client of a `text/event-stream` endpoint: collects events as they arrive and lets a test
 * wait for the ones it expects. Comments (`: keep-alive`) are counted, not kept.
 */
export class EventStreamClient {
  readonly events: ServerEvent[] = [];
  comments = 0;
  status = 0;
  contentType = '';
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private done: Promise<void> | undefined;

  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
    const client = new EventStreamClient();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: client.abort.signal });
    client.status = res.status;
    client.contentType = res.headers.get('content-type') ?? '';
    if (res.status !== 200) {
      client.body = await res.json();
      return client;
    }
    client.done = client.read(res.body!);
    return client;
  }

  body: any;

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          this.parse(block);
        }
      }
    } catch {
      // aborted
    }
  }

  private parse(block: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    let comment = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comment = true;
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) {
      if (comment) this.comments++;
      return;
    }
    this.events.push({ event, ...(id === undefined ? {} : { id }), data: JSON.parse(data.join('\n')) });
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first event (from the start) that `match` accepts. */
  async waitFor(match: (e: ServerEvent) => boolean, timeoutMs = 10_000): Promise<ServerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => [e.event, e.id ?? e.data?.id]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
