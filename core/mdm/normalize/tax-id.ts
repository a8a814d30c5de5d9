import { checkEuVat } from './eu-vat.ts';
import { isBlank, toHalfWidth } from './text.ts';
import { checkUscc } from './uscc.ts';

export interface NormalizedTaxId {
  kind: 'cn_uscc' | 'eu_vat' | 'other';
  /** ISO 3166-1 alpha-2 of the issuing country, when known. */
  country: string | null;
  /** Canonical form: the value deterministic matching compares. */
  value: string;
}

/**
 * Recognizes a tax id: a valid Chinese unified social credit code, a valid EU VAT number, or (for
 * other countries) the bare upper-cased alphanumerics prefixed with the country. Returns null
 * when the text looks like a USCC or VAT number but fails its checks: a wrong tax id must never
 * merge two companies.
 */
export function normalizeTaxId(
  raw: string | null | undefined,
  country?: string | null,
): NormalizedTaxId | null {
  if (isBlank(raw)) return null;
  const compact = toHalfWidth(raw)
    .replace(/[\s.\-/]/g, '')
    .toUpperCase();
  const hint = country?.toUpperCase() ?? null;
  if (hint === 'CN' || (!hint && compact.length === 18 && /^[0-9A-Z]{18}$/.test(compact))) {
    const uscc = checkUscc(compact);
    return uscc.valid ? { kind: 'cn_uscc', country: 'CN', value: uscc.code } : null;
  }
  const vat = checkEuVat(compact, hint ?? undefined);
  if (vat.valid) return { kind: 'eu_vat', country: vat.country, value: vat.vat };
  if (vat.reason !== 'country') return null;
  if (!hint || !/^[0-9A-Z]{4,20}$/.test(compact)) return null;
  return { kind: 'other', country: hint, value: `${hint}:${compact}` };
}
