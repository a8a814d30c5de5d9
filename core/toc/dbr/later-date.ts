/** The later of two ISO dates (YYYY-MM-DD sorts as text). */
export function laterDate(a: string, b: string): string {
  return a > b ? a : b;
}
