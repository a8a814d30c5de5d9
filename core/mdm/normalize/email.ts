import { isBlank, toHalfWidth } from './text.ts';

export interface NormalizedEmail {
  address: string;
  domain: string;
  /** Consumer mailbox providers: a shared domain there says nothing about a shared company. */
  freeProvider: boolean;
}

const FREE_PROVIDERS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'aol.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.ru',
  'yandex.ru',
  'qq.com',
  'foxmail.com',
  '163.com',
  '126.com',
  'sina.com',
  'sohu.com',
  'aliyun.com',
  '139.com',
  'yeah.net',
]);

/** A consumer mailbox provider's domain: shared by people of unrelated companies. */
export function isFreeMailDomain(domain: string): boolean {
  return FREE_PROVIDERS.has(domain);
}

const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/**
 * Lower-cases and validates an address; for Gmail, where dots and +tags are ignored by the
 * provider, it removes them so two spellings of one mailbox compare equal. Returns null when the
 * text is not an address.
 */
export function normalizeEmail(raw: string | null | undefined): NormalizedEmail | null {
  if (isBlank(raw)) return null;
  const text = toHalfWidth(raw)
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/＠/g, '@')
    .toLowerCase();
  const bracketed = text.match(/<([^>]+)>/);
  const address = (bracketed ? bracketed[1] : text).trim().replace(/\.$/, '');
  if (!EMAIL.test(address) || address.includes('..')) return null;
  const at = address.lastIndexOf('@');
  let local = address.slice(0, at);
  const domain = address.slice(at + 1).replace(/^googlemail\.com$/, 'gmail.com');
  if (domain === 'gmail.com') local = local.replace(/\+.*$/, '').replace(/\./g, '');
  if (!local) return null;
  return { address: `${local}@${domain}`, domain, freeProvider: isFreeMailDomain(domain) };
}
