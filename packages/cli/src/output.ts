/**
 * What a command prints. Under `--json` stdout carries exactly one JSON document and nothing else
 * (as npm's --json does); tables, notes and progress go to a person: tables to stdout, the rest
 * to stderr. Colours only on a terminal, never with NO_COLOR.
 */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Colour a cell by its text (a status). */
  status?: boolean;
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, gray: 90, bold: 1 } as const;
type Colour = keyof typeof codes;

const statusColours: Record<string, Colour> = {
  active: 'green',
  success: 'green',
  delivered: 'green',
  completed: 'blue',
  paused: 'yellow',
  pending: 'yellow',
  failed: 'red',
  timeout: 'red',
  dead_letter: 'red',
  cancelled: 'gray',
  quota_exceeded: 'red',
};

export class Output {
  readonly colour: boolean;
  private spinner: { timer: ReturnType<typeof setInterval>; text: string } | undefined;

  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.colour = Boolean(stdout.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb';
  }

  paint(text: string, colour: Colour, stream: NodeJS.WriteStream = this.stdout): string {
    const on = stream === this.stdout ? this.colour : Boolean(stream.isTTY) && !process.env.NO_COLOR;
    return on ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
  }

  /** The command's result: the JSON document, or what `human` prints. */
  result(value: unknown, human: () => void): void {
    this.stopProgress();
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else human();
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** A note for a person (stderr, so that stdout stays the result). */
  note(text: string): void {
    this.stopProgress();
    this.stderr.write(`${text}\n`);
  }

  table<T>(rows: readonly T[], columns: Column<T>[], empty = 'Nothing to show.'): void {
    if (rows.length === 0) {
      this.note(empty);
      return;
    }
    const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
    const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
    const render = (values: string[], paint?: (text: string, i: number) => string) =>
      values
        .map((v, i) => {
          const padded = i === values.length - 1 ? v : v.padEnd(widths[i]!);
          return paint ? paint(padded, i) : padded;
        })
        .join('  ')
        .trimEnd();
    this.line(render(columns.map((c) => c.header.toUpperCase()), (t) => this.paint(t, 'bold')));
    for (const values of cells) {
      this.line(render(values, (t, i) => (columns[i]!.status && statusColours[t.trim()] ? this.paint(t, statusColours[t.trim()]!) : t)));
    }
  }

  /** `key  value` lines for one record. */
  fields(pairs: Array<[string, unknown]>): void {
    const width = Math.max(...pairs.map(([k]) => k.length));
    for (const [key, value] of pairs) this.line(`${this.paint(key.padEnd(width), 'bold')}  ${cell(value, 200)}`);
  }

  /** A spinner on stderr while long work runs (on a terminal only; silent otherwise). */
  progress(text: string): void {
    if (!this.stderr.isTTY) return;
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let i = 0;
    const draw = () => this.stderr.write(`\r\u001b[2K${frames[i++ % frames.length]} ${this.spinner?.text ?? text}`);
    if (this.spinner) {
      this.spinner.text = text;
    } else {
      this.spinner = { text, timer: setInterval(draw, 80) };
      this.spinner.timer.unref();
    }
    draw();
  }

  stopProgress(): void {
    if (!this.spinner) return;
    clearInterval(this.spinner.timer);
    this.spinner = undefined;
    this.stderr.write('\r\u001b[2K');
  }
}

function cell(value: unknown, max = 60): string {
  const text = value === null || value === undefined || value === '' ? '-' : Array.isArray(value) ? value.join(',') || '-' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "3m ago", "in 2h": instants as a person reads them in a table. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  // Each unit as rounded, so that 59.9 minutes reads "1h", not "60m".
  const seconds = Math.round(abs / 1000);
  const minutes = Math.round(abs / 60_000);
  const hours = Math.round(abs / 3_600_000);
  const unit = seconds < 60 ? `${seconds}s` : minutes < 60 ? `${minutes}m` : hours < 24 ? `${hours}h` : `${Math.round(abs / 86_400_000)}d`;
  return ms >= 0 ? `in ${unit}` : `${unit} ago`;
}
