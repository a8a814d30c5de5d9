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

  it('keeps a field every source leaves empty, as its one source sends it', () => {
    const deal = source('crm', 'hubspot', '2024-05-01T00:00:00.000Z', { name: 'Deal', lines: [] });
    const survived = surviveSources('g1', [deal], rules({}));
    expect(survived.body).toEqual({ name: 'Deal', lines: [] });
    expect(survived.lineage.lines?.connectionId).toBe('crm');
    // A value wins over an empty one.
    const filled = source('erp', 'odoo', '2024-01-01T00:00:00.000Z', { lines: [{ itemId: 'i1' }] });
    expect(surviveSources('g1', [deal, filled], rules({})).body.lines).toEqual([{ itemId: 'i1' }]);
  });
});

describe('a sourcePriority tie between two connections of one kind', () => {
  // Two Odoo plants: the kind-based default rules (taxId, terms, sku) rank them the same.
  const plant = (connectionId: string, updatedAt: string, taxId: string) =>
    source(connectionId, 'odoo', updatedAt, { name: 'Acme', taxId });
  const tie = rules({ fields: { taxId: { strategy: 'sourcePriority', systems: ['odoo', 'salesforce'] } } });
  const older = plant('odoo-plant-a', '2024-01-01T00:00:00.000Z', 'T-OLD');
  const newer = plant('odoo-plant-b', '2024-06-01T00:00:00.000Z', 'T-NEW');

  it('goes to the most recent source, whatever order the sources were read in', () => {
    expect(surviveSources('g', [older, newer], tie).body.taxId).toBe('T-NEW');
    expect(surviveSources('g', [newer, older], tie).body.taxId).toBe('T-NEW');
  });

  it('goes by connection id when the sources are equally recent', () => {
    const same = plant('odoo-plant-b', older.updatedAt, 'T-B');
    expect(surviveSources('g', [same, older], tie).body.taxId).toBe('T-OLD');
    expect(surviveSources('g', [older, same], tie).body.taxId).toBe('T-OLD');
  });

  it('still puts a higher-ranked kind first, however old its source', () => {
    const sf = source('sf-prod', 'salesforce', '2024-12-01T00:00:00.000Z', { taxId: 'T-SF' });
    expect(surviveSources('g', [sf, older, newer], tie).body.taxId).toBe('T-NEW');
  });
});
