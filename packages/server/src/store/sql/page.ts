export interface Page<R> {
  rows: R[];
  total: number;
}

/**
 * One page of rows and the total, read one after the other (never side by side on two
 * connections). The count comes first; when a row written in between shows up on the page but
 * not in it (a page holding more rows than the total says exist), the rows are counted again, so
 * an answer never contradicts itself without a snapshot's cost on every listing.
 */
export async function readPage<R>(count: () => Promise<{ n: unknown }>, rows: () => Promise<R[]>): Promise<Page<R>> {
  const total = Number((await count()).n);
  const page = await rows();
  return { rows: page, total: page.length > total ? Number((await count()).n) : total };
}
