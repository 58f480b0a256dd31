import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { guardedLookup, type Resolver } from './guardedLookup.js';

export { TARGET_REFUSED, TargetRefusedError, type Resolver } from './guardedLookup.js';

/**
 * Which outbound targets a job may call. By default only http(s) URLs without credentials whose host resolves
 * to public unicast addresses; an operator's allow list (KAIROS_ALLOW_TARGETS) lifts that for given ranges or names.
 */
export interface TargetPolicy {
  /**
   * Static check of a URL given by a user (at job creation): scheme, credentials, literal IPs and local names.
   * Returns null when acceptable, else a human-readable issue. Does no DNS.
   */
  checkUrl(url: string): string | null;
  /** Whether the operator allowed this URL's host by name, or as an address literal in an allowed range. */
  allowListed(url: string): boolean;
  /** Whether a resolved address may be connected to for the given host name. */
  allowsAddress(address: string, hostname: string): boolean;
  /**
   * A `dns.lookup`-compatible function (for undici's `connect.lookup`) that resolves once and fails with a
   * `TargetRefusedError` (code 'KAIROS_TARGET_REFUSED') when any resolved address is refused.
   */
  lookup: LookupFunction;
}

/** One KAIROS_ALLOW_TARGETS entry: an address range, or a host name allowed whatever it resolves to. */
export type AllowEntry =
  | { kind: 'cidr'; network: string; prefixLength: number }
  | { kind: 'host'; hostname: string };

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses KAIROS_ALLOW_TARGETS: comma-separated CIDRs, single IPs and host names. Throws on a bad entry. */
export function parseAllowList(value: string | undefined): AllowEntry[] {
  const entries: AllowEntry[] = [];
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const range = parseRange(entry);
    if (range) {
      entries.push({ kind: 'cidr', network: range[0].toString(), prefixLength: range[1] });
      continue;
    }
    const hostname = normalizeName(entry);
    if (!isHostName(hostname)) {
      throw new Error(`KAIROS_ALLOW_TARGETS: "${entry}" is not a CIDR range, IP address or host name`);
    }
    entries.push({ kind: 'host', hostname });
  }
  return entries;
}

export function createTargetPolicy(allow: AllowEntry[], resolver?: Resolver): TargetPolicy {
  const allowedNames = new Set<string>();
  const allowedRanges: Range[] = [];
  for (const entry of allow) {
    if (entry.kind === 'host') allowedNames.add(normalizeName(entry.hostname));
    else allowedRanges.push(ipaddr.parseCIDR(`${entry.network}/${entry.prefixLength}`));
  }

  const inAllowedRange = (address: string): boolean => {
    const forms = [ipaddr.parse(address), ipaddr.process(address)];
    return allowedRanges.some(([network, bits]) =>
      forms.some((ip) => ip.kind() === network.kind() && ip.match(network, bits)),
    );
  };

  /** Why `address` may not be connected to for `hostname`, or null when it may. */
  const refusal = (address: string, hostname: string): string | null => {
    if (allowedNames.has(normalizeName(hostname))) return null;
    const bare = unbracket(address);
    try {
      if (isIP(bare) !== 0) return inAllowedRange(bare) ? null : publicAddressIssue(bare);
    } catch {
      // net.isIP accepted what ipaddr.js cannot parse: refuse below.
    }
    return `${address} is not an IP address`;
  };

  /** Why a URL with this host may not be a target, or null when it may. */
  const hostIssue = (host: string): string | null => {
    if (allowedNames.has(normalizeName(host))) return null;
    if (isIP(host) !== 0) {
      const reason = refusal(host, host);
      return reason === null ? null : `must resolve to a public address; ${reason}`;
    }
    if (isLocalName(host)) return `must resolve to a public address; ${host} is a local host name`;
    return null;
  };
  // A batch of a thousand jobs to one address parsed that address a thousand times.
  const hostVerdicts = new Map<string, string | null>();

  return {
    checkUrl(text) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return 'must be an absolute http or https URL';
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return `must use http or https, not ${url.protocol.slice(0, -1)}`;
      }
      if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';

      // WHATWG URL parsing has already turned every IPv4 spelling (2130706433, 0x7f.1, 0177.0.0.1, 127.1, ...)
      // into dotted decimal and IPv6 into its canonical form, so a literal is recognisable here.
      const host = unbracket(url.hostname);
      let verdict = hostVerdicts.get(host);
      if (verdict === undefined) {
        verdict = hostIssue(host);
        if (hostVerdicts.size >= maxHostVerdicts) hostVerdicts.clear();
        hostVerdicts.set(host, verdict);
      }
      return verdict;
    },
    allowListed(text) {
      let host: string;
      try {
        host = unbracket(new URL(text).hostname);
      } catch {
        return false;
      }
      if (allowedNames.has(normalizeName(host))) return true;
      try {
        return isIP(host) !== 0 && inAllowedRange(host);
      } catch {
        return false;
      }
    },
    allowsAddress: (address, hostname) => refusal(address, hostname) === null,
    lookup: guardedLookup(resolver, refusal),
  };
}

/** Hosts whose verdict is remembered; past this, the memory starts afresh. */
const maxHostVerdicts = 10_000;

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private',
  reserved: 'reserved (documentation, benchmarking or future use)',
  benchmarking: 'reserved for benchmarking',
  uniqueLocal: 'unique-local',
  rfc6145: 'an IPv4-translated IPv6 address',
  rfc6052: 'a NAT64 address (embeds IPv4)',
  '6to4': 'a 6to4 address (embeds IPv4)',
  teredo: 'a Teredo address (embeds IPv4)',
};

const IPV4_COMPATIBLE: Range = ipaddr.parseCIDR('::/96');
const GLOBAL_UNICAST_V6: Range = ipaddr.parseCIDR('2000::/3');

/**
 * Allow-list classification: null when `address` is public unicast, else why not. IPv4-mapped IPv6 is judged
 * by its IPv4 address; every other IPv6 form that embeds IPv4 (compatible, 6to4, NAT64, Teredo) is refused.
 */
function publicAddressIssue(address: string): string | null {
  const ip = ipaddr.process(address);
  const shown = ip.toString() === address ? address : `${address} (${ip.toString()})`;
  const range = ip.range();
  if (range !== 'unicast') return `${shown} is ${RANGE_NAMES[range] ?? `special-purpose (${range})`}`;
  if (ip.kind() === 'ipv6') {
    // ipaddr.js calls ::a.b.c.d (e.g. ::127.0.0.1) unicast; it is not.
    if (ip.match(IPV4_COMPATIBLE)) return `${shown} is an IPv4-compatible IPv6 address`;
    if (!ip.match(GLOBAL_UNICAST_V6)) return `${shown} is outside global unicast IPv6 (2000::/3)`;
  }
  return null;
}

/** A CIDR (`10.0.0.0/8`, `::1/128`) or single IP; IPv4 must be dotted decimal. IPv4-mapped ranges become IPv4. */
function parseRange(entry: string): Range | null {
  const [address = '', bits, ...rest] = entry.split('/');
  if (rest.length > 0) return null;
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return null;
  const prefixLength = bits === undefined ? max : Number(bits);
  if (prefixLength > max) return null;
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() && prefixLength >= 96) {
    return [(ip as ipaddr.IPv6).toIPv4Address(), prefixLength - 96];
  }
  return [ip, prefixLength];
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Lower case without the trailing dot of a fully qualified name. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}

function isLocalName(host: string): boolean {
  const name = normalizeName(host);
  return name === 'localhost' || name.endsWith('.localhost');
}

/** An ASCII (punycode) DNS name whose last label is not numeric (WHATWG would read that as IPv4). */
function isHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  const last = labels[labels.length - 1]!;
  if (/^(\d+|0x[0-9a-f]*)$/.test(last)) return false;
  return labels.every((label) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label));
}
