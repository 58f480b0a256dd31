import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TARGET_REFUSED,
  TargetRefusedError,
  createTargetPolicy,
  parseAllowList,
  type TargetPolicy,
} from '../../src/delivery/targetPolicy.js';

/** A test resolver: never touches system DNS. */
function fakeDns(table: Record<string, string[]>) {
  const calls: string[] = [];
  const resolver = async (hostname: string): Promise<string[]> => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };
  return { resolver, calls };
}

const DNS = {
  'evil.test': ['127.0.0.1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'v6loop.test': ['::1'],
  'mixed.test': ['93.184.215.14', '10.0.0.7'],
  'metadata.test': ['169.254.169.254'],
  'public.test': ['93.184.215.14'],
  'public6.test': ['2606:4700::1111'],
  'dual.test': ['93.184.215.14', '2606:4700::1111'],
  'internal.example': ['10.1.2.3'],
};

interface LookupResult {
  err: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number;
}

function callLookup(policy: TargetPolicy, hostname: string, options: LookupOptions): Promise<LookupResult> {
  return new Promise((resolve) => {
    policy.lookup(hostname, options, (err, address, family) => resolve({ err, address, family }));
  });
}

const defaultPolicy = createTargetPolicy([], fakeDns(DNS).resolver);

// Each entry: a URL and a fragment the issue must contain.
const REFUSED: Array<[string, string]> = [
  // schemes and credentials
  ['ftp://example.com/file', 'must use http or https'],
  ['file:///etc/passwd', 'must use http or https'],
  ['javascript:alert(1)', 'must use http or https'],
  ['gopher://example.com:70/', 'must use http or https'],
  ['data:text/plain,hello', 'must use http or https'],
  ['not a url', 'absolute http or https URL'],
  ['/relative/path', 'absolute http or https URL'],
  ['http://user:pass@example.com/', 'credentials'],
  ['https://user@example.com/', 'credentials'],
  ['http://:secret@example.com/', 'credentials'],
  // loopback, in every IPv4 spelling
  ['http://127.0.0.1/', '127.0.0.1 is loopback'],
  ['http://127.0.0.1:8080/admin', '127.0.0.1 is loopback'],
  ['http://127.255.255.254/', 'is loopback'],
  ['http://2130706433/', '127.0.0.1 is loopback'],
  ['http://0177.0.0.1/', '127.0.0.1 is loopback'],
  ['http://017700000001/', '127.0.0.1 is loopback'],
  ['http://0x7f000001/', '127.0.0.1 is loopback'],
  ['http://0x7f.0x0.0x0.0x1/', '127.0.0.1 is loopback'],
  ['http://0x7f.1/', '127.0.0.1 is loopback'],
  ['http://127.1/', '127.0.0.1 is loopback'],
  ['http://127.0.1/', '127.0.0.1 is loopback'],
  ['http://127.000.000.001/', '127.0.0.1 is loopback'],
  ['http://127.0.0.1./', '127.0.0.1 is loopback'],
  ['http://%31%32%37.0.0.1/', '127.0.0.1 is loopback'],
  ['http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/', '127.0.0.1 is loopback'],
  // local names
  ['http://localhost/', 'localhost is a local host name'],
  ['http://localhost:3000/', 'local host name'],
  ['http://LOCALHOST/', 'local host name'],
  ['http://localhost./', 'local host name'],
  ['http://api.localhost/', 'local host name'],
  ['http://api.localhost./', 'local host name'],
  // IPv6 loopback and IPv4-in-IPv6 forms
  ['http://[::1]/', '::1 is loopback'],
  ['http://[0:0:0:0:0:0:0:1]/', '::1 is loopback'],
  ['http://[::]/', 'unspecified'],
  ['http://[::ffff:127.0.0.1]/', '(127.0.0.1) is loopback'],
  ['http://[::ffff:7f00:1]/', '(127.0.0.1) is loopback'],
  ['http://[0:0:0:0:0:ffff:7f00:1]/', '(127.0.0.1) is loopback'],
  ['http://[::ffff:169.254.169.254]/', 'link-local'],
  ['http://[::ffff:10.0.0.1]/', 'private'],
  ['http://[::127.0.0.1]/', 'IPv4-compatible'],
  ['http://[::8.8.8.8]/', 'IPv4-compatible'],
  ['http://[::ffff:0:7f00:1]/', 'IPv4-translated'],
  ['http://[64:ff9b::127.0.0.1]/', 'NAT64'],
  ['http://[64:ff9b::8.8.8.8]/', 'NAT64'],
  ['http://[64:ff9b:1::7f00:1]/', 'NAT64'],
  ['http://[2002:7f00:1::]/', '6to4'],
  ['http://[2002:808:808::1]/', '6to4'],
  ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'Teredo'],
  ['http://[fe80::1]/', 'link-local'],
  ['http://[febf::1]/', 'link-local'],
  ['http://[fc00::1]/', 'unique-local'],
  ['http://[fd12:3456:789a::1]/', 'unique-local'],
  ['http://[ff02::1]/', 'multicast'],
  ['http://[2001:db8::1]/', 'reserved'],
  ['http://[100::1]/', 'discard'],
  ['http://[fec0::1]/', 'deprecatedSiteLocal'],
  // private, link-local, metadata, CGNAT, special IPv4
  ['http://10.0.0.1/', '10.0.0.1 is private'],
  ['http://10.255.255.255/', 'private'],
  ['http://172.16.0.1/', 'private'],
  ['http://172.31.255.254/', 'private'],
  ['http://192.168.1.1/', 'private'],
  ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is link-local'],
  ['http://169.254.0.1/', 'link-local'],
  ['http://100.64.0.1/', 'carrier-grade NAT'],
  ['http://100.127.255.254/', 'carrier-grade NAT'],
  ['http://0.0.0.0/', '0.0.0.0 is unspecified'],
  ['http://0/', '0.0.0.0 is unspecified'],
  ['http://0.1.2.3/', 'unspecified'],
  ['http://255.255.255.255/', 'broadcast'],
  ['http://224.0.0.1/', 'multicast'],
  ['http://239.255.255.250/', 'multicast'],
  ['http://240.0.0.1/', 'reserved'],
  ['http://192.0.0.8/', 'reserved'],
  ['http://192.0.2.1/', 'reserved'],
  ['http://198.51.100.7/', 'reserved'],
  ['http://203.0.113.9/', 'reserved'],
  ['http://198.18.0.1/', 'reserved'],
  ['http://198.19.255.254/', 'reserved'],
];

const ACCEPTED = [
  'https://example.com/x',
  'http://example.com:8080/hook?x=1#frag',
  'https://api.example.org/v1/jobs',
  'http://93.184.215.14/',
  'http://8.8.8.8:53/',
  'http://172.32.0.1/',
  'http://100.128.0.1/',
  'http://169.255.0.1/',
  'http://[2606:4700::1111]/',
  'https://[2001:4860:4860::8888]:8443/',
  'http://localhost.example.com/',
  'http://mylocalhost/',
  'http://evil.test/', // names pass the static check; the lookup decides
];

describe('checkUrl: refused', () => {
  it('has a corpus of at least 40 refused URLs', () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(40);
  });

  it.each(REFUSED)('%s', (url, issue) => {
    const result = defaultPolicy.checkUrl(url);
    expect(result).not.toBeNull();
    expect(result).toContain(issue);
  });

  it('names the address and the reason in the issue', () => {
    expect(defaultPolicy.checkUrl('http://0x7f000001/')).toBe(
      'must resolve to a public address; 127.0.0.1 is loopback',
    );
  });
});

describe('checkUrl: accepted', () => {
  it.each(ACCEPTED)('%s', (url) => {
    expect(defaultPolicy.checkUrl(url)).toBeNull();
  });
});

describe('allowsAddress', () => {
  it.each([
    '127.0.0.1',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::7f00:1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '10.0.0.1',
    '169.254.169.254',
    'fe80::1%eth0',
    '2130706433',
    '0x7f000001',
    '127.1',
    'not-an-ip',
    '',
  ])('refuses %s', (address) => {
    expect(defaultPolicy.allowsAddress(address, 'x.test')).toBe(false);
  });

  it.each(['93.184.215.14', '1.1.1.1', '2606:4700::1111', '::ffff:93.184.215.14'])('allows %s', (address) => {
    expect(defaultPolicy.allowsAddress(address, 'x.test')).toBe(true);
  });
});

describe('parseAllowList', () => {
  it('parses CIDRs, single IPs and host names', () => {
    expect(parseAllowList(' 127.0.0.0/8, ::1/128 ,10.1.2.3,Internal.Example., ,fd00::/8,::ffff:10.0.0.0/104')).toEqual([
      { kind: 'cidr', network: '127.0.0.0', prefixLength: 8 },
      { kind: 'cidr', network: '::1', prefixLength: 128 },
      { kind: 'cidr', network: '10.1.2.3', prefixLength: 32 },
      { kind: 'host', hostname: 'internal.example' },
      { kind: 'cidr', network: 'fd00::', prefixLength: 8 },
      { kind: 'cidr', network: '10.0.0.0', prefixLength: 8 },
    ]);
  });

  it('is empty when unset or blank', () => {
    expect(parseAllowList(undefined)).toEqual([]);
    expect(parseAllowList('')).toEqual([]);
    expect(parseAllowList(' , ')).toEqual([]);
  });

  it.each(['127.0.0.0/33', '::1/129', '10.0.0.0/8/8', '10.0.0.0/x', '300.1.1.1', '127.1', '0x7f000001', 'http://a.example', 'bad host', '-a.example', 'a..example', '/8'])(
    'rejects %s naming the entry',
    (entry) => {
      expect(() => parseAllowList(`10.0.0.0/8,${entry}`)).toThrow(`"${entry}"`);
    },
  );
});

describe('allow list', () => {
  const { resolver } = fakeDns(DNS);
  const policy = createTargetPolicy(parseAllowList('127.0.0.0/8,internal.example'), resolver);

  it('lifts loopback for the listed range only', () => {
    expect(policy.checkUrl('http://127.0.0.1:9000/')).toBeNull();
    expect(policy.checkUrl('http://2130706433/')).toBeNull();
    expect(policy.checkUrl('http://[::ffff:127.0.0.1]/')).toBeNull();
    expect(policy.allowsAddress('127.0.0.1', 'anything.test')).toBe(true);
    expect(policy.checkUrl('http://[::1]/')).toContain('loopback');
    expect(policy.checkUrl('http://10.0.0.1/')).toContain('private');
    expect(policy.checkUrl('http://[::127.0.0.1]/')).toContain('IPv4-compatible');
    expect(policy.checkUrl('http://localhost/')).toContain('local host name');
  });

  it('lifts the rules for an exact host name, whatever it resolves to', async () => {
    expect(policy.checkUrl('http://internal.example/')).toBeNull();
    expect(policy.checkUrl('http://INTERNAL.example./')).toBeNull();
    expect(policy.allowsAddress('10.1.2.3', 'internal.example')).toBe(true);
    expect(policy.allowsAddress('10.1.2.3', 'other.example')).toBe(false);
    expect(policy.allowsAddress('10.1.2.3', 'sub.internal.example')).toBe(false);
    const ok = await callLookup(policy, 'internal.example', { all: false });
    expect(ok.err).toBeNull();
    expect(ok.address).toBe('10.1.2.3');
  });

  it('allows localhost only when listed by name', () => {
    const named = createTargetPolicy(parseAllowList('localhost'));
    expect(named.checkUrl('http://localhost:8080/')).toBeNull();
    expect(named.checkUrl('http://localhost.:8080/')).toBeNull();
    expect(named.checkUrl('http://api.localhost/')).toContain('local host name');
  });

  it('lifts an IPv6 range', () => {
    const v6 = createTargetPolicy(parseAllowList('::1/128,fd00::/8'));
    expect(v6.checkUrl('http://[::1]/')).toBeNull();
    expect(v6.checkUrl('http://[fd12::1]/')).toBeNull();
    expect(v6.checkUrl('http://[fc00::1]/')).toContain('unique-local');
    expect(v6.checkUrl('http://127.0.0.1/')).toContain('loopback');
  });
});

describe('lookup', () => {
  const dns = fakeDns(DNS);
  const policy = createTargetPolicy([], dns.resolver);

  it.each([
    ['evil.test', '127.0.0.1'],
    ['mapped.test', '::ffff:127.0.0.1'],
    ['v6loop.test', '::1'],
    ['metadata.test', '169.254.169.254'],
    ['mixed.test', '10.0.0.7'],
  ])('refuses %s (resolves to %s) with all false and true', async (hostname, address) => {
    for (const all of [false, true]) {
      const { err } = await callLookup(policy, hostname, { all });
      expect(err).toBeInstanceOf(TargetRefusedError);
      expect(err?.code).toBe('KAIROS_TARGET_REFUSED');
      expect(err?.code).toBe(TARGET_REFUSED);
      expect(err?.message).toContain(address);
      expect(err?.message).toContain(hostname);
    }
  });

  it('passes a public address through, single and all', async () => {
    const one = await callLookup(policy, 'public.test', { all: false });
    expect(one).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    const all = await callLookup(policy, 'dual.test', { all: true });
    expect(all.err).toBeNull();
    expect(all.address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
  });

  it('honours options.family', async () => {
    expect(await callLookup(policy, 'dual.test', { family: 6 })).toEqual({
      err: null,
      address: '2606:4700::1111',
      family: 6,
    });
    expect((await callLookup(policy, 'dual.test', { family: 'IPv4', all: true })).address).toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
    expect((await callLookup(policy, 'public.test', { family: 6 })).err?.code).toBe('ENOTFOUND');
  });

  it('checks IP literals without resolving them', async () => {
    const before = dns.calls.length;
    expect((await callLookup(policy, '127.0.0.1', {})).err?.code).toBe(TARGET_REFUSED);
    expect((await callLookup(policy, '[::1]', {})).err?.code).toBe(TARGET_REFUSED);
    expect(await callLookup(policy, '93.184.215.14', {})).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    expect(dns.calls.length).toBe(before);
  });

  it('passes resolver errors on', async () => {
    const { err } = await callLookup(policy, 'nowhere.test', { all: true });
    expect(err?.code).toBe('ENOTFOUND');
  });

  it('uses system DNS without a resolver (localhost resolves to loopback)', async () => {
    const system = createTargetPolicy([]);
    const { err } = await callLookup(system, 'localhost', { all: true });
    expect(err?.code).toBe(TARGET_REFUSED);
  });
});

describe('end to end through undici', () => {
  let server: http.Server;
  let port: number;
  let connections = 0;
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests += 1;
      res.end('delivered');
    });
    server.on('connection', () => (connections += 1));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  function causeCodes(error: unknown): string[] {
    const codes: string[] = [];
    const seen = new Set<unknown>();
    const queue = [error];
    while (queue.length > 0) {
      const e = queue.shift();
      if (!e || typeof e !== 'object' || seen.has(e)) continue;
      seen.add(e);
      const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
      if (typeof code === 'string') codes.push(code);
      queue.push(cause);
      if (Array.isArray(errors)) queue.push(...errors);
    }
    return codes;
  }

  it('refuses a name that resolves to loopback: the server sees nothing', async () => {
    const dns = fakeDns({ 'evil.test': ['127.0.0.1'] });
    const policy = createTargetPolicy([], dns.resolver);
    const agent = new Agent({ connect: { lookup: policy.lookup } });
    try {
      const error = await request(`http://evil.test:${port}/`, { dispatcher: agent }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      expect(causeCodes(error)).toContain('KAIROS_TARGET_REFUSED');
      expect(dns.calls).toContain('evil.test');
      expect(connections).toBe(0);
      expect(requests).toBe(0);
    } finally {
      await agent.close();
    }
  });

  it('delivers when the allow list contains 127.0.0.0/8', async () => {
    const dns = fakeDns({ 'evil.test': ['127.0.0.1'] });
    const policy = createTargetPolicy(parseAllowList('127.0.0.0/8'), dns.resolver);
    const agent = new Agent({ connect: { lookup: policy.lookup } });
    try {
      const res = await request(`http://evil.test:${port}/`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('delivered');
      expect(dns.calls).toEqual(['evil.test']);
      expect(requests).toBe(1);
    } finally {
      await agent.close();
    }
  });
});

describe('lookup: the refused corpus at delivery', () => {
  // Every address of the corpus, as a name that resolves to it at delivery time: what a DNS
  // record pointing inside the network (or rebinding to it) would give.
  const addresses = [
    ...new Set(
      REFUSED.flatMap(([url]) => {
        try {
          const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
          return /^[\d.]+$|:/.test(host) ? [host] : [];
        } catch {
          return [];
        }
      }),
    ),
  ];
  const table = Object.fromEntries(addresses.map((address, i) => [`host${i}.test`, [address]]));
  const policy = createTargetPolicy([], fakeDns(table).resolver);

  it('covers at least 40 addresses', () => {
    expect(addresses.length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(table))('refuses %s → %s when connecting', async (hostname, [address]) => {
    expect(defaultPolicy.checkUrl(`http://${hostname}/`)).toBeNull();
    const { err } = await callLookup(policy, hostname, { all: true });
    expect(err).toBeInstanceOf(TargetRefusedError);
    expect(err?.message).toContain(hostname);
    expect(err?.message).toContain(address!.includes(':') ? address!.split(':').pop()! : address!);
  });
});
