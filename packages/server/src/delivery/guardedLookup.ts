import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/** Resolves a host name to its addresses (IPv4 and/or IPv6, as strings). */
export type Resolver = (hostname: string) => Promise<string[]>;

/** Says why connecting to `address` (resolved for `hostname`) is refused, or null when it is allowed. */
export type RefusalCheck = (address: string, hostname: string) => string | null;

export const TARGET_REFUSED = 'KAIROS_TARGET_REFUSED';

/** The error a guarded lookup fails with; the message names the refused address. */
export class TargetRefusedError extends Error {
  readonly code = TARGET_REFUSED;
  constructor(
    readonly hostname: string,
    readonly address: string,
    reason: string,
  ) {
    super(`refused to connect to ${hostname}: ${reason}`);
    this.name = 'TargetRefusedError';
  }
}

/**
 * A drop-in for `dns.lookup` (for `net.connect`/undici's `connect.lookup`) that resolves the name once,
 * checks every address it got, and hands exactly those addresses to the socket, so what is connected to is
 * what was checked.
 */
export function guardedLookup(resolver: Resolver | undefined, refusal: RefusalCheck): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname, options, resolver, refusal).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ''),
    );
  };
}

async function resolveChecked(
  hostname: string,
  options: LookupOptions,
  resolver: Resolver | undefined,
  refusal: RefusalCheck,
): Promise<LookupAddress[]> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  let addresses: LookupAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else if (resolver) {
    addresses = (await resolver(host)).map((address) => ({ address, family: isIP(address) }));
  } else {
    addresses = await dns.promises.lookup(host, { verbatim: true, ...options, all: true });
  }

  // Every address the name resolved to must pass, not only the one the socket would pick.
  for (const { address } of addresses) {
    const reason = refusal(address, host);
    if (reason !== null) throw new TargetRefusedError(host, address, reason);
  }

  const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
  const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
  if (usable.length === 0) {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname: host,
    });
  }
  return usable;
}
