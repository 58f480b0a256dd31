import type { PageMeta } from '../types.js';

/**
 * One page of a list: its items (`data`) and `meta` (`page`, `perPage`, `total`). Iterating a page
 * with `for await` goes on through the pages after it.
 *
 * @example
 * ```ts
 * const page = await kairos.jobs.list({ perPage: 50 });
 * console.log(page.data.length, 'of', page.meta.total);
 * if (page.hasNextPage()) console.log((await page.nextPage()).data);
 * ```
 */
export class Page<T> implements AsyncIterable<T> {
  /** @internal */
  constructor(
    /** The items of this page. */
    readonly data: T[],
    /** This page's number and size, and how many items the list holds. */
    readonly meta: PageMeta,
    private readonly load: (page: number) => Promise<Page<T>>,
  ) {}

  /**
   * Whether a page follows this one.
   * @example
   * ```ts
   * let page = await kairos.executions.list();
   * while (page.hasNextPage()) page = await page.nextPage();
   * ```
   */
  hasNextPage(): boolean {
    return this.data.length > 0 && this.meta.page * this.meta.perPage < this.meta.total;
  }

  /**
   * Loads the page after this one.
   * @example
   * ```ts
   * const second = await (await kairos.jobs.list()).nextPage();
   * ```
   */
  nextPage(): Promise<Page<T>> {
    return this.load(this.meta.page + 1);
  }

  /**
   * Every item from this page on, loading the following pages as it goes.
   * @example
   * ```ts
   * for await (const job of await kairos.jobs.list()) console.log(job.id);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page: Page<T> = this;
    for (;;) {
      yield* page.data;
      if (!page.hasNextPage()) return;
      page = await page.nextPage();
    }
  }
}

/**
 * What a list method returns: await it for the first {@link Page}, or iterate it with
 * `for await` for every item across all pages. Nothing is sent until one of the two happens.
 *
 * @example
 * ```ts
 * for await (const job of kairos.jobs.list({ tag: 'billing' })) console.log(job.name);
 * const { data, meta } = await kairos.jobs.list({ tag: 'billing' });
 * ```
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private first: Promise<Page<T>> | undefined;

  /** @internal */
  constructor(
    private readonly load: (page: number) => Promise<Page<T>>,
    private readonly startPage: number,
  ) {}

  private start(): Promise<Page<T>> {
    this.first ??= this.load(this.startPage);
    return this.first;
  }

  /**
   * Loads the first page, as a promise's `then` (so `await` gives the {@link Page}).
   * @example
   * ```ts
   * kairos.jobs.list().then((page) => console.log(page.meta.total));
   * ```
   */
  then<R1 = Page<T>, R2 = never>(onFulfilled?: ((page: Page<T>) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.start().then(onFulfilled, onRejected);
  }

  /**
   * Handles a failure to load the first page, as a promise's `catch`.
   * @example
   * ```ts
   * const page = await kairos.jobs.list().catch(() => undefined);
   * ```
   */
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.start().catch(onRejected);
  }

  /**
   * Runs `onFinally` once the first page has loaded or failed, as a promise's `finally`.
   * @example
   * ```ts
   * await kairos.jobs.list().finally(() => spinner.stop());
   * ```
   */
  finally(onFinally?: (() => void) | null): Promise<Page<T>> {
    return this.start().finally(onFinally);
  }

  /**
   * Every item of the list, page after page.
   * @example
   * ```ts
   * const ids = [];
   * for await (const e of kairos.executions.list({ status: 'failed' })) ids.push(e.id);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.start();
  }

  /**
   * Collects every item of the list into an array (mind the size of large lists).
   * @example
   * ```ts
   * const all = await kairos.spaces.list().toArray();
   * ```
   */
  async toArray(): Promise<T[]> {
    const all: T[] = [];
    for await (const item of this) all.push(item);
    return all;
  }
}

/** A list method's result for one endpoint: `fetchPage(n)` loads page n with the same filters. */
export function paginate<T>(fetchPage: (page: number) => Promise<{ data: T[]; meta: PageMeta }>, startPage = 1): PagePromise<T> {
  const load = async (page: number): Promise<Page<T>> => {
    const { data, meta } = await fetchPage(page);
    return new Page(data, meta, load);
  };
  return new PagePromise(load, startPage);
}
