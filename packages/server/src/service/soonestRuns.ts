export interface TimedRun {
  jobId: string;
  at: number;
}

/** Earlier instant first; at one instant, by job id, so that every answer orders a tie the same. */
export const sooner = (a: TimedRun, b: TimedRun): boolean => a.at < b.at || (a.at === b.at && a.jobId < b.jobId);

/**
 * The `capacity` soonest runs of those offered, however many are: a binary max-heap whose top is
 * the latest run kept, replaced whenever a sooner one comes.
 */
export class SoonestRuns<T extends TimedRun> {
  private readonly items: T[] = [];

  constructor(private readonly capacity: number) {}

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  /** The latest run kept: once full, no run later than it can get in. */
  get latest(): T | undefined {
    return this.items[0];
  }

  /** Keeps `run` if it is among the soonest so far; false when it is not (nor is any later run). */
  offer(run: T): boolean {
    const items = this.items;
    if (items.length < this.capacity) {
      items.push(run);
      this.up(items.length - 1);
      return true;
    }
    if (!sooner(run, items[0]!)) return false;
    items[0] = run;
    this.down(0);
    return true;
  }

  /** What is kept, soonest first. */
  sorted(): T[] {
    return [...this.items].sort((a, b) => (sooner(a, b) ? -1 : sooner(b, a) ? 1 : 0));
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!sooner(items[parent]!, item)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  private down(i: number): void {
    const items = this.items;
    const item = items[i]!;
    const n = items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && sooner(items[left]!, items[right]!) ? right : left;
      if (!sooner(item, items[child]!)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = item;
  }
}
