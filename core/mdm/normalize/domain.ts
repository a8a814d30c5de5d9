import { isFreeMailDomain, normalizeEmail } from './email.ts';
import { isBlank, toHalfWidth } from './text.ts';

/** A host name with at least one dot and a top-level label that starts with a letter (no IP address). */
const HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The host of a website or URL, as a company's domain: "https://www.Acme-Tools.com:8443/about"
 * and "acme-tools.com" both give "acme-tools.com". Scheme, `www.`, port and path go, the host is
 * lower-cased (and an internationalized one punycoded). Null when the text is no host name.
 */
export function normalizeWebsite(raw: string | null | undefined): string | null {
  if (isBlank(raw)) return null;
  const text = toHalfWidth(raw).trim();
  // An e-mail address or free text parses as a URL with a user or fails later: neither is a website.
  if (/[\s@]/.test(text)) return null;
  let host: string;
  try {
    host = new URL(SCHEME.test(text) ? text : `http://${text}`).hostname;
  } catch {
    return null;
  }
  host = host.replace(/\.$/, '').replace(/^www\./, '');
  return HOST.test(host) ? host : null;
}

/**
 * A company's web domain from its e-mail addresses and websites, each value on its own: the domain
 * of the first valid e-mail address, else the host of the first website. Free mail providers say
 * nothing about the company and are passed over.
 */
export function companyDomain(values: ReadonlyArray<string>): string | null {
  const domains = [
    ...values.map((value) => normalizeEmail(value)?.domain),
    ...values.map((value) => normalizeWebsite(value)),
  ];
  return domains.find((domain) => domain && !isFreeMailDomain(domain)) ?? null;
}
