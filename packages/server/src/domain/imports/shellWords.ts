/**
 * Splits a POSIX shell command line into words and control operators, as `sh` would before it
 * runs anything: single quotes (literal), double quotes (`\\`, `\"`, `\$`, `` \` `` escapes and
 * `$NAME` expansion), `$'…'` (the ANSI-C quoting browsers' "copy as cURL" uses), backslash
 * escapes, backslash-newline continuations, `#` comments, and the operators that end a simple
 * command (`;`, `&`, `&&`, `|`, `||`) or redirect it (`>`, `>>`, `<`, `2>`, `2>&1`, `&>`).
 *
 * Nothing is executed: command substitution (`$(…)`, backticks) is refused, because what it
 * would produce cannot be known without running it.
 */

export type ShellToken = { kind: 'word'; value: string } | { kind: 'operator'; value: string };

export type Lookup = (name: string) => string | undefined;

export class ShellSyntaxError extends Error {}

const operators = ['&&', '||', '>>', '2>&1', '&>', '2>', ';', '&', '|', '>', '<'];

function ansiC(text: string, start: number): { value: string; end: number } {
  let out = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = text[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '?': '?', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
    if (n !== undefined && simple[n] !== undefined) out += simple[n];
    else if (n === 'x' || n === 'u') {
      const digits = /^[0-9a-fA-F]+/.exec(text.slice(i + 1, i + 1 + (n === 'x' ? 2 : 4)))?.[0] ?? '';
      if (digits === '') throw new ShellSyntaxError(`bad \\${n} escape in $'…'`);
      out += String.fromCodePoint(parseInt(digits, 16));
      i += digits.length;
    } else out += `\\${n ?? ''}`;
  }
  throw new ShellSyntaxError("unterminated $'…' quote");
}

/**
 * The words and operators of `text`. `$NAME` and `${NAME}` outside single quotes are replaced by
 * `lookup(NAME)`; an unknown name is an error, since the call would go out with a hole in it.
 */
export function shellTokens(text: string, lookup: Lookup = () => undefined): ShellToken[] {
  const tokens: ShellToken[] = [];
  let word = '';
  let inWord = false;
  const end = () => {
    if (inWord) tokens.push({ kind: 'word', value: word });
    word = '';
    inWord = false;
  };
  const expand = (i: number): number => {
    // `i` is at the `$`; returns the index after the expansion.
    const braced = text[i + 1] === '{';
    const m = (braced ? /^\{([A-Za-z_][A-Za-z0-9_]*)\}/ : /^([A-Za-z_][A-Za-z0-9_]*)/).exec(text.slice(i + 1));
    if (!m) {
      if (text[i + 1] === '(') throw new ShellSyntaxError('command substitution $(…) cannot be imported');
      word += '$';
      return i + 1;
    }
    const value = lookup(m[1]!);
    if (value === undefined) throw new ShellSyntaxError(`uses $${m[1]}, which is not defined here`);
    word += value;
    return i + 1 + m[0].length;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      if (text[i + 1] === '\n') i += 2;
      else if (text[i + 1] === '\r' && text[i + 2] === '\n') i += 3;
      else {
        if (i + 1 < text.length) word += text[i + 1];
        inWord = true;
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new ShellSyntaxError('unterminated single quote');
      word += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (c === '$' && text[i + 1] === "'") {
      const { value, end: after } = ansiC(text, i + 2);
      word += value;
      inWord = true;
      i = after;
      continue;
    }
    if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new ShellSyntaxError('unterminated double quote');
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length) {
          const n = text[i + 1]!;
          if (n === '\n') i += 2;
          else if ('\\"$`'.includes(n)) {
            word += n;
            i += 2;
          } else {
            word += d;
            i++;
          }
          continue;
        }
        if (d === '`') throw new ShellSyntaxError('command substitution `…` cannot be imported');
        if (d === '$') {
          i = expand(i);
          continue;
        }
        word += d;
        i++;
      }
      continue;
    }
    if (c === '`') throw new ShellSyntaxError('command substitution `…` cannot be imported');
    if (c === '$') {
      inWord = true;
      i = expand(i);
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      end();
      i++;
      continue;
    }
    if (c === '#' && !inWord) break;
    const op = operators.find((o) => text.startsWith(o, i) && (o[0] !== '2' || !inWord));
    if (op) {
      end();
      tokens.push({ kind: 'operator', value: op });
      i += op.length;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  end();
  return tokens;
}

/** A simple command: its words, and the redirections that followed it (target words dropped). */
export interface SimpleCommand {
  words: string[];
  redirected: boolean;
}

/** The simple commands of a command line, with the operators that joined them. */
export function simpleCommands(tokens: readonly ShellToken[]): { commands: SimpleCommand[]; joins: string[] } {
  const commands: SimpleCommand[] = [];
  const joins: string[] = [];
  let current: SimpleCommand = { words: [], redirected: false };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') {
      current.words.push(t.value);
      continue;
    }
    if (t.value === '2>&1') {
      current.redirected = true;
      continue;
    }
    if (t.value === '>' || t.value === '>>' || t.value === '<' || t.value === '2>' || t.value === '&>') {
      // The next word is the file; it is not an argument of the command.
      current.redirected = true;
      if (tokens[i + 1]?.kind === 'word') i++;
      continue;
    }
    commands.push(current);
    joins.push(t.value);
    current = { words: [], redirected: false };
  }
  commands.push(current);
  return { commands: commands.filter((c) => c.words.length > 0), joins };
}
