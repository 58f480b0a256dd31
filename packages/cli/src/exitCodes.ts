import { AuthenticationError, KairosError, NotFoundError } from '@kairos/sdk';

/** The exit codes scripts can rely on (as the GitHub CLI documents its own). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  notAuthenticated: 4,
  notFound: 5,
} as const;

/** A failure the CLI itself detected, with the exit code it means. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failed,
  ) {
    super(message);
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof AuthenticationError) return ExitCode.notAuthenticated;
  if (err instanceof NotFoundError) return ExitCode.notFound;
  return ExitCode.failed;
}

/** One line a person can act on. */
export function messageOf(err: unknown): string {
  if (err instanceof AuthenticationError) return `${err.message} Run "kairos login", or set KAIROS_API_KEY.`;
  if (err instanceof KairosError) {
    const fields = err.details.filter((d) => !err.message.includes(d.issue)).map((d) => `\n  ${d.field}: ${d.issue}`);
    return `${err.message}${fields.join('')}`;
  }
  return err instanceof Error ? err.message : String(err);
}
