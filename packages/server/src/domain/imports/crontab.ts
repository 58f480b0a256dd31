/**
 * A crontab (crontab(5), as Vixie cron and cronie read it) as jobs: each entry whose command is
 * a curl or wget call becomes a cron job; every other entry is skipped with the reason.
 *
 * - Environment lines (`NAME=value`, optionally quoted) define variables the commands may use
 *   (`$TOKEN`); `CRON_TZ=` (or `TZ=`) sets the time zone of the entries after it.
 * - A comment line right above an entry names it, as people write them.
 * - `@reboot` has no place in a scheduler that is not the machine; `@annually`, `@midnight` and
 *   the other nicknames are the cron expressions they stand for.
 * - A system crontab's user column (`/etc/crontab`, `/etc/cron.d/*`) before a curl or wget call is
 *   read as that, not as the program it runs.
 * - An unescaped `%` ends the command (the rest is its standard input, which a job cannot give).
 */
import { type CallResult, commandCall } from './curl.js';
import { failed, type ImportedJob, skipped } from './types.js';

const nicknames: Record<string, string> = {
  '@yearly': '@yearly',
  '@annually': '@yearly',
  '@monthly': '@monthly',
  '@weekly': '@weekly',
  '@daily': '@daily',
  '@midnight': '@daily',
  '@hourly': '@hourly',
};

const envLine = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) return v.slice(1, -1);
  return v;
}

/** The command up to its first unescaped `%`, with `\%` read as `%`; `stdin` when something followed. */
function cronCommand(raw: string): { command: string; stdin: boolean } {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && raw[i + 1] === '%') {
      out += '%';
      i++;
    } else if (raw[i] === '%') return { command: out, stdin: raw.slice(i + 1).trim() !== '' };
    else out += raw[i];
  }
  return { command: out, stdin: false };
}

/** A short readable name for a call, when the crontab gives none. */
function callName(method: string, url: string): string {
  try {
    const u = new URL(url);
    return `${method} ${u.host}${u.pathname}`.slice(0, 255);
  } catch {
    return `${method} ${url}`.slice(0, 255);
  }
}

export function parseCrontab(text: string): ImportedJob[] {
  const env = new Map<string, string>();
  let timezone: string | undefined;
  let comment: string | null = null;
  const out: ImportedJob[] = [];
  const seen = new Map<string, number>();

  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, n) => {
    const lineNo = n + 1;
    const line = rawLine.trim();
    if (line === '') {
      comment = null;
      return;
    }
    if (line.startsWith('#')) {
      const c = line.replace(/^#+\s*/, '').trim();
      comment = c === '' ? null : c;
      return;
    }
    const name = comment;
    comment = null;
    const env_ = envLine.exec(line);
    if (env_ && !/^[\d*@]/.test(line)) {
      const value = unquote(env_[2]!);
      env.set(env_[1]!, value);
      if (env_[1] === 'CRON_TZ' || env_[1] === 'TZ') timezone = value === '' ? undefined : value;
      return;
    }

    let expression: string;
    let rest: string;
    if (line.startsWith('@')) {
      const nick = line.split(/\s+/, 1)[0]!;
      if (nick === '@reboot') {
        out.push(skipped(null, name ?? `line ${lineNo}`, `line ${lineNo}: @reboot runs when a machine starts, which a scheduler has no equivalent for`));
        return;
      }
      const expr = nicknames[nick];
      if (!expr) {
        out.push(failed(null, name ?? `line ${lineNo}`, `line ${lineNo}: unknown schedule ${nick}`));
        return;
      }
      expression = expr;
      rest = line.slice(nick.length).trim();
    } else {
      const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
      if (!m) {
        out.push(failed(null, name ?? `line ${lineNo}`, `line ${lineNo}: not an entry (five schedule fields and a command), an environment line or a comment`));
        return;
      }
      expression = m.slice(1, 6).join(' ');
      rest = m[6]!;
    }
    if (rest === '') {
      out.push(failed(null, name ?? `line ${lineNo}`, `line ${lineNo}: has a schedule but no command`));
      return;
    }
    const { command, stdin } = cronCommand(rest);
    const label = name ?? `line ${lineNo}`;
    if (stdin) {
      out.push(failed(null, label, `line ${lineNo}: gives the command input after %, which a job cannot send`));
      return;
    }
    const lookup = (v: string) => env.get(v);
    let result: CallResult = commandCall(command, lookup);
    // /etc/crontab and /etc/cron.d name the user a command runs as before the command.
    const user = /^([a-z_][a-z0-9_.-]*\$?)\s+(\S.*)$/.exec(command.trim());
    if (!result.ok && user && result.reason.includes(`runs ${user[1]}`)) {
      const asUser = commandCall(user[2]!, lookup);
      // Taken when, read so, the command is an HTTP call (or a reason about its calls, not its programs).
      if (asUser.ok || !/^(not an HTTP call|runs )/.test(asUser.reason)) result = asUser;
    }
    if (!result.ok) {
      const notHttp = result.reason.startsWith('not an HTTP call');
      out.push((notHttp ? skipped : failed)(null, label, `line ${lineNo}: ${result.reason}`));
      return;
    }
    const { call } = result;
    const method = call.method ?? 'GET';
    const key = `${method} ${call.url}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    out.push({
      kind: 'job',
      // The same call made on several lines (at different times) is told apart by its place among them.
      originalId: count === 1 ? key : `${key} #${count}`,
      originalName: name ?? `line ${lineNo}`,
      input: {
        name: name ?? callName(method, call.url),
        ...call,
        schedule: { type: 'cron', expression, ...(timezone !== undefined ? { timezone } : {}) },
      },
      status: 'active',
    });
  });
  return out;
}
