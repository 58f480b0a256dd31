/** A LIKE pattern that matches `text` literally inside a value; pair it with `ESCAPE '!'`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
