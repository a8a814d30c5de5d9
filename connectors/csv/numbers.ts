// Thousands separators are only accepted in their proper places so "1.23" is never 123 by accident.
const decimalCommaPattern = /^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/;
const decimalPointPattern = /^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;

/** Reads "1.234,56" / "1234,56" (decimal comma) or "1,234.56" / "1234.56"; undefined when not a number. */
export function parseDecimal(text: string, decimalComma: boolean): number | undefined {
  const value = text.trim().replace(/\s/g, '');
  if (decimalComma) {
    return decimalCommaPattern.test(value) ? Number(value.replace(/\./g, '').replace(',', '.')) : undefined;
  }
  return decimalPointPattern.test(value) ? Number(value.replace(/,/g, '')) : undefined;
}

export function formatDecimal(value: number, decimalComma: boolean): string {
  const text = String(value);
  return decimalComma ? text.replace('.', ',') : text;
}
