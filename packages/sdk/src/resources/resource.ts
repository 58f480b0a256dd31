import type { Transport } from '../core/transport.js';

/** A path segment from an id: escaped, so that an id can never reach another route. */
export const seg = (id: string): string => encodeURIComponent(id);

/** The common base of the resource groups (`kairos.jobs`, `kairos.spaces` ...). */
export abstract class Resource {
  /** @internal */
  constructor(protected readonly transport: Transport) {}
}
