import { Fifo } from './fifo.js';

/** How a started item ended, as far as its target's bound is concerned. */
export type Verdict = 'answered' | 'timedOut';

interface OriginLine<T> {
  origin: string;
  active: number;
  /** Items this origin may have started at once: the origin bound, less while it times out. */
  window: number;
  /** When the window was last halved: items started before then do not halve it again. */
  cutAt: number;
  queue: Fifo<T>;
  ready: boolean;
}

/** Origins with a lowered window kept while idle; past this, idle ones are forgotten. */
const maxIdleLowered = 10_000;

/**
 * Starts work under a global bound and a bound per origin, taking origins in turn, so a slow or
 * hanging target fills only its own share of the slots.
 *
 * An origin whose requests time out gets fewer at once, as TCP does with a congested path:
 * its window halves on a timeout (once per round: the requests already started when it was
 * halved do not halve it again), down to a sixteenth of the bound, and grows by one with each
 * answer. A target that hangs then costs a few sockets a timeout, not the whole bound's worth
 * of sockets torn down and opened again every timeout, which is work the healthy targets wait on.
 */
export class Dispatcher<T> {
  private active = 0;
  private queued = 0;
  private readonly lines = new Map<string, OriginLine<T>>();
  private readonly ready = new Fifo<OriginLine<T>>();
  private readonly floor: number;

  constructor(
    private readonly globalLimit: number,
    private readonly originLimit: number,
    private readonly run: (item: T) => Promise<Verdict>,
  ) {
    this.floor = Math.max(1, Math.ceil(originLimit / 16));
  }

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queued;
  }

  /** Items waiting behind origins that are at their bound: they wait on the target, not on us. */
  get waitingOnBusyOrigins(): number {
    let n = 0;
    for (const line of this.lines.values()) if (line.active >= line.window) n += line.queue.size;
    return n;
  }

  push(origin: string, item: T): void {
    let line = this.lines.get(origin);
    if (!line) {
      line = { origin, active: 0, window: this.originLimit, cutAt: -Infinity, queue: new Fifo<T>(), ready: false };
      this.lines.set(origin, line);
    }
    if (this.active < this.globalLimit && line.active < line.window && line.queue.size === 0) {
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
    if (!line.ready && line.queue.size > 0 && line.active < line.window) {
      line.ready = true;
      this.ready.push(line);
    }
  }

  private start(line: OriginLine<T>, item: T): void {
    this.active++;
    line.active++;
    const startedAt = performance.now();
    this.run(item).then(
      (verdict) => this.finish(line, verdict, startedAt),
      () => this.finish(line, 'answered', startedAt),
    );
  }

  private finish(line: OriginLine<T>, verdict: Verdict, startedAt: number): void {
    this.active--;
    line.active--;
    if (verdict === 'timedOut') {
      if (startedAt >= line.cutAt) {
        line.window = Math.max(this.floor, line.window >> 1);
        line.cutAt = performance.now();
      }
    } else if (line.window < this.originLimit) {
      line.window++;
    }
    this.markReady(line);
    this.pump();
    if (line.active === 0 && line.queue.size === 0 && !line.ready) {
      // A lowered window outlives the burst: the next one to a hanging target starts small too.
      if (line.window === this.originLimit || this.lines.size > maxIdleLowered) this.lines.delete(line.origin);
    }
  }

  private pump(): void {
    while (this.active < this.globalLimit) {
      const line = this.ready.shift();
      if (!line) return;
      line.ready = false;
      if (line.active >= line.window) continue;
      const item = line.queue.shift();
      if (item === undefined) continue;
      this.queued--;
      this.start(line, item);
      this.markReady(line);
    }
  }
}
