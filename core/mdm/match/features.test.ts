import { describe, expect, it } from 'vitest';
import { indexKeysOf } from '../store/blocking-index.ts';
import { matcherConfigFor, matchInputOf } from '../store/entity-matchers.ts';
import { extractFeatures } from './features.ts';

describe('the customer domain feature (from email and website)', () => {
  const config = matcherConfigFor('customer');
  const domainOf = (body: Record<string, unknown>) =>
    extractFeatures(matchInputOf('customer', 'x', body), config).domain;

  it('comes from the e-mail address', () => {
    expect(domainOf({ name: 'Acme Tools', email: 'info@acmetools.com' })).toBe('acmetools.com');
  });

  it('is kept when the record has a website as well as an e-mail address', () => {
    expect(
      domainOf({ name: 'Acme Tools', email: 'info@acmetools.com', website: 'https://www.acmetools.com' }),
    ).toBe('acmetools.com');
  });

  it('comes from the website alone (a HubSpot company domain, a Salesforce Website)', () => {
    expect(domainOf({ name: 'Acme Tools', website: 'acmetools.com' })).toBe('acmetools.com');
    expect(domainOf({ name: 'Acme Tools', website: 'http://www.AcmeTools.com/en/' })).toBe('acmetools.com');
  });

  it('comes from the website when the e-mail address is at a free mail provider', () => {
    expect(domainOf({ name: 'Acme Tools', email: 'acme.tools@gmail.com', website: 'acmetools.com' })).toBe(
      'acmetools.com',
    );
    expect(domainOf({ name: 'Acme Tools', email: 'acme.tools@gmail.com' })).toBeUndefined();
  });

  it('gives a CRM company (website) and an ERP customer (e-mail) one blocking key', () => {
    const crm = indexKeysOf('customer', { name: 'Acme Tools Inc', website: 'https://acmetools.com' });
    const erp = indexKeysOf('customer', { name: 'ACME Werkzeuge GmbH', email: 'einkauf@acmetools.com' });
    expect(crm.filter((key) => erp.includes(key))).toContain('domain|acmetools.com');
  });
});
