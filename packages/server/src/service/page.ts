/** Which page of a list a caller asks for: 1-based, with at most `perPage` items. */
export interface Page {
  page: number;
  perPage: number;
}
