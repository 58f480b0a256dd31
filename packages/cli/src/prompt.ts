import { createInterface } from 'node:readline/promises';

/** Asks a question on the terminal (stderr), or undefined when there is no terminal to ask on. */
export async function ask(question: string, { secret = false } = {}): Promise<string | undefined> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (secret) {
    // Echo nothing of what is typed after the question.
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput?.bind(rl);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.startsWith(question) || s === '\r\n' || s === '\n') write?.(s);
    };
  }
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
