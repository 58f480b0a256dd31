export interface Page<R> {
  rows: R[];
  total: number;
}

/**
 * One page of rows and the total, read one after the other (never side by side on two
 * connections): the count first, so a row written in between shows up on the page rather than
 * in a total that promises a row the page lacks.
 */
export async function readPage<R>(count: () => Promise<{ n: unknown }>, rows: () => Promise<R[]>): Promise<Page<R>> {
  const total = Number((await count()).n);
  return { rows: await rows(), total };
}
