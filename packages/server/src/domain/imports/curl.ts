/**
 * curl and wget command lines as the HTTP request they make: method, URL, headers, body, timeout.
 * The command line is split as a shell would (shellWords.ts); then each program's options are
 * read as its manual describes them. An option that changes what is sent and that Kairos cannot
 * reproduce (a form upload, a body read from a file) is an error naming it, never dropped.
 */
import type { JobInput } from '../jobDefinition.js';
import { type Lookup, shellTokens, ShellSyntaxError, simpleCommands } from './shellWords.js';
import { basicAuth } from './types.js';

/** The request a command makes, as the fields of a job. */
export type HttpCall = Required<Pick<JobInput, 'url' | 'headers'>> & Pick<JobInput, 'method' | 'body' | 'timeoutMs' | 'followRedirects' | 'retryPolicy'>;

export type CallResult = { ok: true; call: HttpCall } | { ok: false; reason: string };

const fail = (reason: string): CallResult => ({ ok: false, reason });

/**
 * A word of the command as a reason may quote it: the answer of an import never repeats a secret,
 * and a word that is not where it should be (an unquoted `-H Authorization: Bearer tok`) may be
 * one. A URL is shown without its credentials, anything else by its first characters.
 */
export function quoted(word: string): string {
  if (/^https?:\/\//i.test(word)) {
    try {
      const u = new URL(word);
      if (u.username !== '' || u.password !== '') return `"${word.replace(/\/\/[^/?#]*@/, '//…@')}"`;
      return `"${word}"`;
    } catch {
      // not a URL after all: shown as any other word
    }
  }
  return word.length <= 6 ? `"${word}"` : `"${word.slice(0, 3)}…"`;
}

// curl options that take no argument and change nothing Kairos sends (output, progress, TLS
// verification that Kairos always does, compression that undici negotiates itself).
const curlFlags = new Set(['-s', '--silent', '-S', '--show-error', '-f', '--fail', '--fail-with-body', '-v', '--verbose', '-k', '--insecure', '--compressed', '-O', '--remote-name', '-i', '--include', '-N', '--no-buffer', '-#', '--progress-bar', '-q', '--disable', '-4', '--ipv4', '-6', '--ipv6', '--http1.1', '--http2', '--no-keepalive', '--globoff', '-g', '--location-trusted', '--fail-early', '--tr-encoding', '--raw', '--no-progress-meter', '--retry-connrefused', '--retry-all-errors', '--ssl-reqd', '--tlsv1.2', '--tlsv1.3']);
// curl options whose argument changes nothing Kairos sends.
const curlIgnoredWithArg = new Set(['-o', '--output', '-w', '--write-out', '--connect-timeout', '--retry-delay', '--retry-max-time', '--cacert', '--capath', '-D', '--dump-header', '--stderr', '--trace', '--trace-ascii', '--max-redirs', '--resolve', '--limit-rate', '--create-dirs', '-c', '--cookie-jar', '--interface', '--dns-servers']);
const curlData = new Set(['-d', '--data', '--data-ascii', '--data-binary', '--data-raw', '--data-urlencode', '--json']);
const curlWithArg = new Set(['-X', '--request', '-H', '--header', '-u', '--user', '--oauth2-bearer', '-m', '--max-time', '--url', '-A', '--user-agent', '-e', '--referer', '-b', '--cookie', '--retry', ...curlData, ...curlIgnoredWithArg]);
const curlUnsupported: Record<string, string> = {
  '-F': 'multipart form uploads (-F) cannot be imported',
  '--form': 'multipart form uploads (--form) cannot be imported',
  '-T': 'file uploads (-T) cannot be imported',
  '--upload-file': 'file uploads (--upload-file) cannot be imported',
  '-x': 'a proxy (-x) cannot be imported',
  '--proxy': 'a proxy (--proxy) cannot be imported',
  '-E': 'client certificates (-E) cannot be imported',
  '--cert': 'client certificates (--cert) cannot be imported',
  '-K': 'a config file (-K) cannot be imported',
  '--config': 'a config file (--config) cannot be imported',
  '--unix-socket': 'a Unix socket target cannot be imported',
};

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const existing = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  if (existing) delete headers[existing];
  headers[name] = value;
}

const hasHeader = (headers: Record<string, string>, name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase());

function seconds(value: string, option: string): number | string {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return `${option} wants a number of seconds, got ${quoted(value)}`;
  return Math.round(n * 1000);
}

function urlencodeData(value: string): string {
  // curl's --data-urlencode: `name=content` encodes the content, `content` alone encodes it all.
  if (value.startsWith('@') || value.includes('=@')) return value;
  const eq = value.indexOf('=');
  if (eq < 0) return encodeURIComponent(value);
  return `${value.slice(0, eq + 1)}${encodeURIComponent(value.slice(eq + 1))}`;
}

/**
 * `https://user:password@host/…` without its credentials, and the Basic authorization that curl
 * and wget send for them: Kairos keeps credentials out of a job's URL, in its headers.
 */
function urlCredentials(url: string): { url: string; authorization?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url };
  }
  if (u.username === '' && u.password === '') return { url };
  const authorization = basicAuth(decodeURIComponent(u.username), decodeURIComponent(u.password));
  // Cut out of the text as given, so the rest of the URL stays as the user wrote it.
  const start = url.indexOf('//') + 2;
  const end = url.slice(start).search(/[/?#]/);
  const authority = end < 0 ? url.slice(start) : url.slice(start, start + end);
  return { url: url.slice(0, start) + url.slice(start + authority.lastIndexOf('@') + 1), authorization };
}

/** curl's arguments (after the program name) as the request they make. */
export function curlCall(args: readonly string[]): CallResult {
  const headers: Record<string, string> = {};
  const data: string[] = [];
  let method: string | undefined;
  let url: string | undefined;
  let user: string | undefined;
  let timeoutMs: number | undefined;
  let get = false;
  let head = false;
  let json = false;
  let followRedirects: boolean | undefined;
  let retries: number | undefined;

  // Expand bundled short options (`-fsSL`, `-XPOST`, `-HAccept:x`) into separate words.
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^-[A-Za-z#]{2,}/.test(a) && !a.startsWith('--')) {
      for (let j = 1; j < a.length; j++) {
        const opt = `-${a[j]}`;
        if (curlWithArg.has(opt) || curlUnsupported[opt]) {
          words.push(opt);
          if (j + 1 < a.length) words.push(a.slice(j + 1));
          break;
        }
        words.push(opt);
      }
    } else if (/^--[a-z0-9-.]+=/.test(a)) {
      const eq = a.indexOf('=');
      words.push(a.slice(0, eq), a.slice(eq + 1));
    } else words.push(a);
  }

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w === '-') {
      if (url !== undefined) return fail(`gives two URLs (${quoted(url)} and ${quoted(w)}); one job calls one URL`);
      url = w;
      continue;
    }
    if (curlUnsupported[w]) return fail(curlUnsupported[w]);
    if (curlFlags.has(w)) continue;
    if (w === '-L' || w === '--location') {
      followRedirects = true;
      continue;
    }
    if (w === '-G' || w === '--get') {
      get = true;
      continue;
    }
    if (w === '-I' || w === '--head') {
      head = true;
      continue;
    }
    if (!curlWithArg.has(w)) return fail(`curl option ${w} is not supported`);
    const value = words[++i];
    if (value === undefined) return fail(`curl option ${w} needs a value`);
    if (curlIgnoredWithArg.has(w)) continue;
    switch (w) {
      case '-X':
      case '--request':
        method = value.toUpperCase();
        break;
      case '-H':
      case '--header': {
        const colon = value.indexOf(':');
        if (colon <= 0) return fail(`header ${quoted(value)} is not "Name: value"`);
        const name = value.slice(0, colon).trim();
        const v = value.slice(colon + 1).trim();
        // `-H 'Name:'` removes a header curl would send; Kairos sends none of curl's own.
        if (v === '') break;
        setHeader(headers, name, v);
        break;
      }
      case '-u':
      case '--user': {
        const colon = value.indexOf(':');
        if (colon < 0) return fail('-u without a password would make curl ask for one; give user:password');
        user = basicAuth(value.slice(0, colon), value.slice(colon + 1));
        break;
      }
      case '--oauth2-bearer':
        user = `Bearer ${value}`;
        break;
      case '-m':
      case '--max-time': {
        const ms = seconds(value, w);
        if (typeof ms === 'string') return fail(ms);
        timeoutMs = ms;
        break;
      }
      case '--url':
        if (url !== undefined) return fail(`gives two URLs (${quoted(url)} and ${quoted(value)}); one job calls one URL`);
        url = value;
        break;
      case '-A':
      case '--user-agent':
        setHeader(headers, 'User-Agent', value);
        break;
      case '-e':
      case '--referer':
        setHeader(headers, 'Referer', value);
        break;
      case '-b':
      case '--cookie':
        if (!value.includes('=')) return fail('-b reads cookies from a file, which cannot be imported');
        setHeader(headers, 'Cookie', value);
        break;
      case '--retry': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) return fail(`--retry wants a whole number, got ${quoted(value)}`);
        retries = n;
        break;
      }
      default: {
        // The data options.
        if (value.startsWith('@') && w !== '--data-raw') return fail(`${w} ${quoted(value)} reads a file, which cannot be imported`);
        if (w === '--json') json = true;
        data.push(w === '--data-urlencode' ? urlencodeData(value) : value);
      }
    }
  }
  if (url === undefined) return fail('calls no URL');
  if (!/^https?:\/\//i.test(url)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return fail(`${url.split(':')[0]} URLs are not HTTP calls`);
    // curl guesses http:// for a bare host.
    url = `http://${url}`;
  }
  const inUrl = urlCredentials(url);
  url = inUrl.url;
  user ??= inUrl.authorization;
  if (user !== undefined && !hasHeader(headers, 'Authorization')) setHeader(headers, 'Authorization', user);

  let body: string | undefined;
  if (data.length > 0) {
    const joined = data.join(json ? '' : '&');
    if (get) url += (url.includes('?') ? '&' : '?') + joined;
    else {
      body = joined;
      if (json) {
        if (!hasHeader(headers, 'Content-Type')) setHeader(headers, 'Content-Type', 'application/json');
        if (!hasHeader(headers, 'Accept')) setHeader(headers, 'Accept', 'application/json');
      } else if (!hasHeader(headers, 'Content-Type')) setHeader(headers, 'Content-Type', 'application/x-www-form-urlencoded');
    }
  }
  const effective = method ?? (head ? 'HEAD' : body !== undefined ? 'POST' : 'GET');
  return {
    ok: true,
    call: {
      url,
      method: effective,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(followRedirects !== undefined && effective !== 'GET' && effective !== 'HEAD' ? { followRedirects } : {}),
      ...(retries !== undefined ? { retryPolicy: retries === 0 ? { strategy: 'none', maxRetries: 0 } : { maxRetries: Math.min(retries, 10) } } : {}),
    },
  };
}

/** wget's arguments (after the program name) as the request they make. */
export function wgetCall(args: readonly string[]): CallResult {
  const headers: Record<string, string> = {};
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  let user: string | undefined;
  let password: string | undefined;
  let timeoutMs: number | undefined;
  const flags = new Set(['-q', '--quiet', '-nv', '--no-verbose', '-v', '--verbose', '--spider', '--no-check-certificate', '-S', '--server-response', '--no-cache', '-nc', '--no-clobber', '--content-on-error']);
  const ignoredWithArg = new Set(['-O', '--output-document', '-o', '--output-file', '-a', '--append-output', '-t', '--tries', '-P', '--directory-prefix', '--wait', '--waitretry', '--dns-timeout', '--connect-timeout', '--read-timeout']);
  // Bundled short options (`-qO-`, `-qO /dev/null`) and a short option's value written against it
  // (`-O-`, `-T5`); `-nv` and `-nc` are single options of their own.
  const words: string[] = [];
  for (const a of args) {
    if (!/^-[A-Za-z]./.test(a) || flags.has(a)) {
      words.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      words.push(`-${a[j]}`);
      if ('OoaTtPU'.includes(a[j]!)) {
        if (j + 1 < a.length) words.push(a.slice(j + 1));
        break;
      }
    }
  }
  for (let i = 0; i < words.length; i++) {
    let w = words[i]!;
    let value: string | undefined;
    if (/^--[a-z-]+=/.test(w)) {
      const eq = w.indexOf('=');
      value = w.slice(eq + 1);
      w = w.slice(0, eq);
    }
    if (!w.startsWith('-')) {
      if (url !== undefined) return fail(`gives two URLs (${quoted(url)} and ${quoted(w)}); one job calls one URL`);
      url = w;
      continue;
    }
    if (flags.has(w)) continue;
    if (w === '--post-file' || w === '--body-file' || w === '-i' || w === '--input-file') return fail(`wget ${w} reads a file, which cannot be imported`);
    const known = ignoredWithArg.has(w) || ['--method', '--header', '--post-data', '--body-data', '-T', '--timeout', '--user', '--password', '--http-user', '--http-password', '-U', '--user-agent'].includes(w);
    if (!known) return fail(`wget option ${w} is not supported`);
    value ??= words[++i];
    if (value === undefined) return fail(`wget option ${w} needs a value`);
    switch (w) {
      case '--method':
        method = value.toUpperCase();
        break;
      case '--header': {
        const colon = value.indexOf(':');
        if (colon <= 0) return fail(`header ${quoted(value)} is not "Name: value"`);
        setHeader(headers, value.slice(0, colon).trim(), value.slice(colon + 1).trim());
        break;
      }
      case '--post-data':
        method ??= 'POST';
        body = value;
        break;
      case '--body-data':
        body = value;
        break;
      case '-T':
      case '--timeout': {
        const ms = seconds(value, w);
        if (typeof ms === 'string') return fail(ms);
        timeoutMs = ms;
        break;
      }
      case '--user':
      case '--http-user':
        user = value;
        break;
      case '--password':
      case '--http-password':
        password = value;
        break;
      case '-U':
      case '--user-agent':
        setHeader(headers, 'User-Agent', value);
        break;
    }
  }
  if (url === undefined) return fail('calls no URL');
  if (!/^https?:\/\//i.test(url)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return fail(`${url.split(':')[0]} URLs are not HTTP calls`);
    url = `http://${url}`;
  }
  const inUrl = urlCredentials(url);
  url = inUrl.url;
  if (user !== undefined && !hasHeader(headers, 'Authorization')) setHeader(headers, 'Authorization', basicAuth(user, password ?? ''));
  else if (inUrl.authorization !== undefined && !hasHeader(headers, 'Authorization')) setHeader(headers, 'Authorization', inUrl.authorization);
  if (body !== undefined && !hasHeader(headers, 'Content-Type')) setHeader(headers, 'Content-Type', 'application/x-www-form-urlencoded');
  return {
    ok: true,
    call: { url, method: method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
  };
}

const programName = (word: string) => word.slice(word.lastIndexOf('/') + 1);

/**
 * The one HTTP call a shell command makes. Redirections and `|| true`-style fallbacks are
 * harmless; anything else that runs besides the call is a reason not to import it, since Kairos
 * would run only the call.
 */
export function commandCall(command: string, lookup?: Lookup): CallResult {
  let parsed;
  try {
    parsed = simpleCommands(shellTokens(command, lookup));
  } catch (err) {
    if (err instanceof ShellSyntaxError) return fail(err.message);
    throw err;
  }
  const { commands, joins } = parsed;
  const calls = commands
    .map((c, i) => {
      // Leading `VAR=value` words and wrappers such as `timeout 30` or `nice` come before the program.
      let k = 0;
      while (k < c.words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(c.words[k]!)) k++;
      while (k < c.words.length && ['nice', 'nohup', 'command', 'exec', 'chronic'].includes(programName(c.words[k]!))) k++;
      if (programName(c.words[k] ?? '') === 'timeout') k += 2;
      return { index: i, program: programName(c.words[k] ?? ''), args: c.words.slice(k + 1) };
    })
    .filter((c) => c.program !== '');
  const http = calls.filter((c) => c.program === 'curl' || c.program === 'wget');
  if (http.length === 0) return fail(`not an HTTP call (runs ${calls[0]?.program ?? 'nothing'})`);
  if (http.length > 1) return fail('makes several HTTP calls; a job makes one');
  const others = calls.filter((c) => c.program !== 'curl' && c.program !== 'wget' && !['true', ':', 'logger'].includes(c.program));
  if (others.length > 0) return fail(`runs ${others.map((o) => o.program).join(', ')} besides the HTTP call`);
  if (joins.includes('|') && http[0]!.index < commands.length - 1 && !calls.slice(http[0]!.index + 1).every((c) => c.program === 'logger')) {
    return fail('pipes the answer into another command');
  }
  const { program, args } = http[0]!;
  return program === 'curl' ? curlCall(args) : wgetCall(args);
}
