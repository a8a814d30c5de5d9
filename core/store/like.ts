/**
 * A LIKE / ILIKE pattern matching `text` literally anywhere: `%` and `_` typed by a user are not
 * wildcards (backslash is PostgreSQL's default LIKE escape).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
