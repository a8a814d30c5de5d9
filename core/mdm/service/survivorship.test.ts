import { describe, expect, it } from 'vitest';
import type { SurvivorshipInput } from '../golden/schema.ts';
import { survivorshipSchema } from '../golden/schema.ts';
import { type StoredSource, surviveSources } from './survivorship.ts';

const source = (
  connectionId: string,
  kind: string,
  updatedAt: string,
  mapped: Record<string, unknown>,
): StoredSource => ({
  connectionId,
  kind,
  stream: 'customers',
  externalId: `${connectionId}-1`,
  mapped,
  updatedAt,
});

const odoo = source('odoo-main', 'odoo', '2024-01-01T00:00:00.000Z', {
  taxId: 'T-ODOO',
  phone: '0574-1',
  terms: 'NET60',
});
const sf = source('sf-prod', 'salesforce', '2024-03-01T00:00:00.000Z', {
  taxId: 'T-SF',
  phone: '+86 574 2',
  terms: 'NET30',
});
const shop = source('web', 'rest', '2024-05-01T00:00:00.000Z', {
  taxId: 'T-WEB',
  phone: '+86 574 3',
  terms: '',
});

const rules = (input: SurvivorshipInput) => survivorshipSchema.parse(input);

describe('surviveSources', () => {
  it('ranks sources by connection kind, and by connection id where a rule names one', () => {
    const survived = surviveSources(
      'g1',
      [shop, sf, odoo],
      rules({
        fields: {
          taxId: { strategy: 'sourcePriority', systems: ['odoo', 'salesforce'] },
          phone: { strategy: 'sourcePriority', systems: ['sf-prod', 'odoo'] },
          terms: { strategy: 'sourcePriority', systems: ['web', 'odoo'] },
        },
      }),
    );
    expect(survived.body).toEqual({ taxId: 'T-ODOO', phone: '+86 574 2', terms: 'NET60' });
    expect(survived.lineage.taxId).toEqual({
      connectionId: 'odoo-main',
      kind: 'odoo',
      externalId: 'odoo-main-1',
      at: odoo.updatedAt,
    });
    // The web shop is first for terms but has none: the next listed source wins.
    expect(survived.lineage.terms.connectionId).toBe('odoo-main');
  });

  it('falls back to the most recent source when no listed kind or id is present', () => {
    const survived = surviveSources(
      'g1',
      [odoo, sf],
      rules({ fields: { phone: { strategy: 'sourcePriority', systems: ['hubspot'] } } }),
    );
    expect(survived.body.phone).toBe('+86 574 2');
    expect(survived.lineage.phone.connectionId).toBe('sf-prod');
  });

  it('keeps one source per connection and external id when two streams carry it', () => {
    const older = {
      ...sf,
      stream: 'accounts',
      updatedAt: '2023-01-01T00:00:00.000Z',
      mapped: { phone: 'old' },
    };
    const survived = surviveSources('g1', [older, sf], rules({}));
    expect(survived.body.phone).toBe('+86 574 2');
  });
});
