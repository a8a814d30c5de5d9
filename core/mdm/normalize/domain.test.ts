import { describe, expect, it } from 'vitest';
import { companyDomain, normalizeWebsite } from './domain.ts';

describe('normalizeWebsite', () => {
  it('keeps the host alone: no scheme, www., port or path, lower-cased', () => {
    expect(normalizeWebsite('https://www.AcmeTools.com:8443/about?x=1')).toBe('acmetools.com');
    expect(normalizeWebsite('acmetools.com')).toBe('acmetools.com');
    expect(normalizeWebsite(' WWW.Hengda-Auto.com.cn/ ')).toBe('hengda-auto.com.cn');
    expect(normalizeWebsite('http://shop.acmetools.com')).toBe('shop.acmetools.com');
    expect(normalizeWebsite('ｗｗｗ．ａｃｍｅ．ｃｎ')).toBe('acme.cn');
  });

  it('refuses what is no host name', () => {
    for (const raw of [
      '',
      'n/a',
      'Acme Tools',
      'localhost',
      'http://10.0.0.1/',
      'info@acmetools.com',
      'https://',
    ]) {
      expect(normalizeWebsite(raw)).toBeNull();
    }
  });
});

describe('companyDomain', () => {
  it('takes each value on its own: an e-mail domain first, else a website host', () => {
    expect(companyDomain(['info@acmetools.com', 'https://www.acme-tools.de'])).toBe('acmetools.com');
    expect(companyDomain(['acmetools.com'])).toBe('acmetools.com');
    expect(companyDomain(['not an address', 'https://acmetools.com/contact'])).toBe('acmetools.com');
  });

  it('passes over free mail providers', () => {
    expect(companyDomain(['acme.tools@gmail.com', 'www.acmetools.com'])).toBe('acmetools.com');
    expect(companyDomain(['sales@qq.com'])).toBeNull();
    expect(companyDomain(['https://www.gmail.com'])).toBeNull();
  });
});
