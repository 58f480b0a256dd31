import { Fifo } from './fifo.js';

interface OriginLine<T> {
  origin: string;
  active: number;
  queue: Fifo<T>;
  ready: boolean;
}

/**
 * Starts work under a global bound and a bound per origin, taking origins in turn, so a slow or
 * hanging target fills only its own share of the slots.
 */
export class Dispatcher<T> {
  private active = 0;
  private queued = 0;
  private readonly lines = new Map<string, OriginLine<T>>();
  private readonly ready = new Fifo<OriginLine<T>>();

  constructor(
    private readonly globalLimit: number,
    private readonly originLimit: number,
    private readonly run: (item: T) => Promise<void>,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queued;
  }

  /** Items waiting behind origins that are at their bound: they wait on the target, not on us. */
  get waitingOnBusyOrigins(): number {
    let n = 0;
    for (const line of this.lines.values()) if (line.active >= this.originLimit) n += line.queue.size;
    return n;
  }

  push(origin: string, item: T): void {
    let line = this.lines.get(origin);
    if (!line) {
      line = { origin, active: 0, queue: new Fifo<T>(), ready: false };
      this.lines.set(origin, line);
    }
    if (this.active < this.globalLimit && line.active < this.originLimit && line.queue.size === 0) {
      this.start(line, item);
      return;
    }
    line.queue.push(item);
    this.queued++;
    this.markReady(line);
  }

  /** Takes back everything not yet started. */
  drainWaiting(): T[] {
    const out: T[] = [];
    for (const line of this.lines.values()) out.push(...line.queue.drain());
    this.queued = 0;
    return out;
  }

  private markReady(line: OriginLine<T>): void {
    if (!line.ready && line.queue.size > 0 && line.active < this.originLimit) {
      line.ready = true;
      this.ready.push(line);
    }
  }

  private start(line: OriginLine<T>, item: T): void {
    this.active++;
    line.active++;
    this.run(item).then(
      () => this.finish(line),
      () => this.finish(line),
    );
  }

  private finish(line: OriginLine<T>): void {
    this.active--;
    line.active--;
    this.markReady(line);
    this.pump();
    if (line.active === 0 && line.queue.size === 0 && !line.ready) this.lines.delete(line.origin);
  }

  private pump(): void {
    while (this.active < this.globalLimit) {
      const line = this.ready.shift();
      if (!line) return;
      line.ready = false;
      if (line.active >= this.originLimit) continue;
      const item = line.queue.shift();
      if (item === undefined) continue;
      this.queued--;
      this.start(line, item);
      this.markReady(line);
    }
  }
}
