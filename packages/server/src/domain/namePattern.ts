/**
 * Case-insensitive regular expressions for filtering job names (Runhooks' `GET /jobs?name=`),
 * matched in time linear in the name: the pattern becomes a Thompson NFA whose states are all
 * followed at once, so no pattern a caller sends (`(a+)+$` included) can make a request
 * backtrack for minutes, as a JavaScript RegExp would. The syntax is the common one: literals,
 * `.`, classes (`[a-z]`, `[^0-9]`, `\d \w \s` and their negations), anchors `^` and `$`, groups
 * (`(…)`, `(?:…)`), alternation and the quantifiers `* + ? {m} {m,} {m,n}` (lazy forms accepted:
 * they match the same names). Back-references and look-arounds need backtracking: refused.
 */
import { AppError } from './errors.js';

type CharTest = (c: string) => boolean;

/** A test that ignores case: folded before any negation, as `/[^a]/i` refuses "A". */
const fold =
  (test: CharTest): CharTest =>
  (c) =>
    test(c) || test(c.toLowerCase()) || test(c.toUpperCase());
const literal = (l: string): CharTest => fold((c) => c === l);
const controls: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

type Node =
  | { kind: 'char'; test: CharTest }
  | { kind: 'start' }
  | { kind: 'end' }
  | { kind: 'alt'; options: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

/** More states than this and the pattern is refused: `{m,n}` copies its atom, and each state costs a step per character. */
const maxStates = 500;
const maxRepeat = 100;

class PatternError extends Error {}

const classes: Record<string, CharTest> = {
  d: (c) => c >= '0' && c <= '9',
  w: (c) => /[A-Za-z0-9_]/.test(c),
  s: (c) => /\s/.test(c),
};

function escapeTest(e: string): CharTest {
  const lower = e.toLowerCase();
  const named = classes[lower];
  if (named) return e === lower ? named : (c) => !named(c);
  if (/[1-9]/.test(e)) throw new PatternError('back-references are not supported');
  if (e === 'b' || e === 'B') throw new PatternError('word boundaries are not supported');
  return literal(controls[e] ?? e);
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new PatternError(`unmatched ")" at ${this.i + 1}`);
    return node;
  }

  private alternation(): Node {
    const options: Node[][] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return { kind: 'alt', options };
  }

  private sequence(): Node[] {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') items.push(this.quantified(this.atom()));
    return items;
  }

  private atom(): Node {
    const c = this.src[this.i++]!;
    switch (c) {
      case '.':
        return { kind: 'char', test: (x) => x !== '\n' };
      case '^':
        return { kind: 'start' };
      case '$':
        return { kind: 'end' };
      case '\\':
        if (this.i >= this.src.length) throw new PatternError('a trailing "\\" escapes nothing');
        return { kind: 'char', test: escapeTest(this.src[this.i++]!) };
      case '[':
        return { kind: 'char', test: this.charClass() };
      case '(': {
        if (this.src[this.i] === '?') {
          if (this.src[this.i + 1] !== ':') throw new PatternError('look-arounds and named groups are not supported');
          this.i += 2;
        }
        const inner = this.alternation();
        if (this.src[this.i] !== ')') throw new PatternError('a "(" is not closed');
        this.i++;
        return inner;
      }
      case '*':
      case '+':
      case '?':
        throw new PatternError(`"${c}" at ${this.i} repeats nothing`);
      default:
        return { kind: 'char', test: literal(c) };
    }
  }

  private charClass(): CharTest {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    const tests: CharTest[] = [];
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let lo = this.src[this.i++]!;
      if (lo === '\\') {
        const e = this.src[this.i++];
        if (e === undefined) break;
        const test = escapeTest(e);
        if (classes[e.toLowerCase()]) {
          tests.push(test);
          continue;
        }
        lo = controls[e] ?? e;
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== undefined && this.src[this.i + 1] !== ']') {
        this.i++;
        let hi = this.src[this.i++]!;
        if (hi === '\\') hi = this.src[this.i++] ?? '\\';
        if (hi < lo) throw new PatternError(`the range ${lo}-${hi} is out of order`);
        const [a, b] = [lo, hi];
        tests.push(fold((c) => c >= a && c <= b));
      } else tests.push(literal(lo));
    }
    if (this.src[this.i] !== ']') throw new PatternError('a "[" is not closed');
    this.i++;
    const any = (c: string) => tests.some((t) => t(c));
    return negate ? (c) => !any(c) : any;
  }

  private quantified(node: Node): Node {
    for (;;) {
      const c = this.src[this.i];
      let min: number;
      let max: number;
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
        if (!m) return node; // a literal "{", as JavaScript reads it
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min) throw new PatternError(`{${min},${max}} is out of order`);
        if (min > maxRepeat || (max !== Infinity && max > maxRepeat)) throw new PatternError(`a repeat count is at most ${maxRepeat}`);
        this.i += m[0].length - 1;
      } else return node;
      this.i++;
      if (this.src[this.i] === '?') this.i++; // lazy: the same names match
      if (node.kind === 'start' || node.kind === 'end') throw new PatternError('an anchor cannot be repeated');
      node = { kind: 'repeat', node, min, max };
    }
  }
}

type State =
  | { kind: 'char'; test: CharTest; out: number }
  | { kind: 'split'; out: number; out2: number }
  | { kind: 'start' | 'end' | 'empty'; out: number }
  | { kind: 'match' };

/** Thompson's construction: each node becomes states with one way in and a list of exits to patch. */
class Compiler {
  readonly states: State[] = [];

  private add(state: State): number {
    if (this.states.length >= maxStates) throw new PatternError('the pattern is too large');
    this.states.push(state);
    return this.states.length - 1;
  }

  patch(exits: Array<[number, 'out' | 'out2']>, to: number): void {
    for (const [s, field] of exits) (this.states[s] as { out: number; out2: number })[field] = to;
  }

  /** Returns the entry state and the dangling exits of the fragment. */
  compile(node: Node): { entry: number; exits: Array<[number, 'out' | 'out2']> } {
    switch (node.kind) {
      case 'char': {
        const s = this.add({ kind: 'char', test: node.test, out: -1 });
        return { entry: s, exits: [[s, 'out']] };
      }
      case 'start':
      case 'end': {
        const s = this.add({ kind: node.kind, out: -1 });
        return { entry: s, exits: [[s, 'out']] };
      }
      case 'alt': {
        const parts = node.options.map((seq) => this.sequence(seq));
        let entry = parts[parts.length - 1]!.entry;
        for (let k = parts.length - 2; k >= 0; k--) entry = this.add({ kind: 'split', out: parts[k]!.entry, out2: entry });
        return { entry, exits: parts.flatMap((p) => p.exits) };
      }
      case 'repeat':
        return this.repeat(node.node, node.min, node.max);
    }
  }

  private sequence(nodes: Node[]): { entry: number; exits: Array<[number, 'out' | 'out2']> } {
    if (nodes.length === 0) {
      const s = this.add({ kind: 'empty', out: -1 });
      return { entry: s, exits: [[s, 'out']] };
    }
    const first = this.compile(nodes[0]!);
    let exits = first.exits;
    for (const node of nodes.slice(1)) {
      const next = this.compile(node);
      this.patch(exits, next.entry);
      exits = next.exits;
    }
    return { entry: first.entry, exits };
  }

  private repeat(node: Node, min: number, max: number): { entry: number; exits: Array<[number, 'out' | 'out2']> } {
    const required: Node[] = Array.from({ length: min }, () => node);
    const head = this.sequence(required);
    if (max === Infinity) {
      // node*: a split that loops back through the node.
      const body = this.compile(node);
      const loop = this.add({ kind: 'split', out: body.entry, out2: -1 });
      this.patch(body.exits, loop);
      this.patch(head.exits, loop);
      return { entry: head.entry, exits: [[loop, 'out2']] };
    }
    let exits = head.exits;
    const skips: Array<[number, 'out' | 'out2']> = [];
    for (let k = min; k < max; k++) {
      const body = this.compile(node);
      const split = this.add({ kind: 'split', out: body.entry, out2: -1 });
      this.patch(exits, split);
      skips.push([split, 'out2']);
      exits = body.exits;
    }
    return { entry: head.entry, exits: [...exits, ...skips] };
  }
}

/** A test of names against `pattern`, anywhere in the name unless anchored, ignoring case; throws a 400 naming `field` for a pattern it cannot take. */
export function compileNamePattern(pattern: string, field = 'name'): (name: string) => boolean {
  let states: State[];
  let start: number;
  try {
    const compiler = new Compiler();
    const fragment = compiler.compile(new Parser(pattern).parse());
    const match = compiler.states.length;
    compiler.states.push({ kind: 'match' });
    compiler.patch(fragment.exits, match);
    states = compiler.states;
    start = fragment.entry;
  } catch (err) {
    if (err instanceof PatternError) throw AppError.validation([{ field, issue: `is not a pattern this server can match: ${err.message}` }]);
    throw err;
  }
  return (name: string) => {
    let current = new Set<number>();
    const close = (set: Set<number>, s: number, at: number) => {
      const stack = [s];
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (set.has(id)) continue;
        set.add(id);
        const st = states[id]!;
        if (st.kind === 'split') stack.push(st.out, st.out2);
        else if (st.kind === 'empty' || (st.kind === 'start' && at === 0) || (st.kind === 'end' && at === name.length)) stack.push(st.out);
      }
    };
    for (let at = 0; ; at++) {
      // Unanchored: a match may begin at any position.
      close(current, start, at);
      for (const id of current) if (states[id]!.kind === 'match') return true;
      if (at === name.length) return false;
      const c = name[at]!;
      const next = new Set<number>();
      for (const id of current) {
        const st = states[id]!;
        if (st.kind === 'char' && st.test(c)) close(next, st.out, at + 1);
      }
      current = next;
    }
  };
}
