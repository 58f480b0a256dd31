import { Fifo } from './fifo.js';

interface Line<T> {
  active: number;
  queue: Fifo<T>;
}

/**
 * Holds back a project's runs beyond its plan's delivery concurrency: up to `limit` pass on to
 * the dispatcher, the rest wait in order until one of the project's deliveries ends. A project
 * without a limit passes straight through and is not tracked.
 */
export class ProjectGate<T> {
  private readonly lines = new Map<string, Line<T>>();
  private queued = 0;

  constructor(private readonly forward: (item: T) => void) {}

  get waiting(): number {
    return this.queued;
  }

  push(project: string, limit: number | null, item: T): void {
    if (limit === null) {
      this.forward(item);
      return;
    }
    let line = this.lines.get(project);
    if (!line) this.lines.set(project, (line = { active: 0, queue: new Fifo<T>() }));
    if (line.active < limit) {
      line.active++;
      this.forward(item);
    } else {
      line.queue.push(item);
      this.queued++;
    }
  }

  /** One of the project's deliveries ended: let its next waiting run through. */
  done(project: string): void {
    const line = this.lines.get(project);
    if (!line) return;
    const next = line.queue.shift();
    if (next !== undefined) {
      this.queued--;
      this.forward(next);
      return;
    }
    line.active--;
    if (line.active <= 0) this.lines.delete(project);
  }

  /** Takes back everything still waiting. */
  drain(): T[] {
    const out: T[] = [];
    for (const line of this.lines.values()) out.push(...line.queue.drain());
    this.queued = 0;
    return out;
  }
}
