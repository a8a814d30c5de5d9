/**
 * A LIKE / ILIKE pattern matching `text` literally anywhere: `%` and `_` typed by a user are not
 * wildcards (backslash is PostgreSQL's default LIKE escape).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * A pattern finding `text`, as the user typed it, in a jsonb column's text: there a string value's
 * `"` reads `\"` and its `\` reads `\\`, so the text is written the way JSON writes a string first.
 */
export function jsonTextPattern(text: string): string {
  return containsPattern(JSON.stringify(text).slice(1, -1));
}
