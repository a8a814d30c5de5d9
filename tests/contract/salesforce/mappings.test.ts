import { describe, expect, it } from 'vitest';
import type { CanonicalEntity } from '../../../core/connector/index.ts';
import {
  applyMapping,
  compileMapping,
  loadDefaultMapping,
  type ReferenceResolver,
} from '../../../core/mapping/index.ts';
import { validateEntity } from '../../../core/model/index.ts';
import { fixture } from './harness.ts';

const resolver: ReferenceResolver = {
  toCanonical: (entity, id) => `${entity}:${id}`,
  toExternal: (_entity, id) => id.slice(id.indexOf(':') + 1),
};

/** Records as the connector yields them: child relationships inlined as plain lists. */
function firstRecord(name: string, child?: string): Record<string, unknown> {
  const record = structuredClone((fixture(name) as { records: Array<Record<string, unknown>> }).records[0]);
  if (child) record[child] = (record[child] as { records?: unknown[] } | null)?.records ?? [];
  return record;
}

const samples: Record<string, Record<string, unknown>> = {
  accounts: firstRecord('accounts-page-1'),
  contacts: firstRecord('contacts-page'),
  products: firstRecord('products-page', 'PricebookEntries'),
  opportunities: firstRecord('opportunities-page', 'OpportunityLineItems'),
  orders: firstRecord('orders-page', 'OrderItems'),
};

async function mapIn(stream: string) {
  const definition = await loadDefaultMapping('salesforce', stream, 'in');
  const result = await applyMapping(compileMapping(definition), structuredClone(samples[stream]), {
    resolver,
  });
  expect(result.errors).toEqual([]);
  return { entity: definition.entity as CanonicalEntity, value: result.value };
}

async function mapOut(stream: string, canonical: Record<string, unknown>) {
  const definition = await loadDefaultMapping('salesforce', stream, 'out');
  const result = await applyMapping(compileMapping(definition), canonical, { resolver });
  expect(result.errors).toEqual([]);
  return result.value;
}

describe('salesforce default mappings', () => {
  for (const stream of Object.keys(samples)) {
    it(`maps a ${stream} record to a valid canonical record and back`, async () => {
      const { entity, value } = await mapIn(stream);
      expect(() => validateEntity(entity, value, String(samples[stream].Id))).not.toThrow();
      expect(Object.keys(await mapOut(stream, value)).length).toBeGreaterThan(1);
    });
  }

  it('reads free-text countries, phones, the active price book entry and order lines', async () => {
    expect((await mapIn('accounts')).value).toMatchObject({
      phone: '+13125550142',
      address: { city: 'Chicago', country: 'US' },
    });
    expect((await mapIn('contacts')).value).toMatchObject({
      email: 'dana.whitfield@acmemachining.example',
      customerId: 'customer:001Hs00001AaAaAIAA',
    });
    expect((await mapIn('products')).value).toMatchObject({
      sku: 'PH-200',
      listPrice: { amountMinor: 8450, currency: 'USD' },
    });
    expect((await mapIn('opportunities')).value).toMatchObject({
      stage: 'negotiation',
      amount: { amountMinor: 4_200_000 },
    });
    const order = (await mapIn('orders')).value as {
      status: string;
      lines: Array<{ lineNo: number; quantity: { value: number } }>;
    };
    expect(order.status).toBe('confirmed');
    expect(order.lines.map((line) => [line.lineNo, line.quantity.value])).toEqual([
      [101, 300],
      [102, 200],
    ]);
  });

  it('puts TOC results under toc for the push-back fields', async () => {
    const { value } = await mapIn('orders');
    const out = await mapOut('orders', { ...value, promiseDate: '2024-06-20' });
    expect(out).toMatchObject({
      AccountId: '001Hs00001AaAaAIAA',
      Status: 'Activated',
      toc: { promiseDate: '2024-06-20' },
    });
  });

  it("sends the colour of the won deal's order under toc, and null for a deal without one so the field is cleared", async () => {
    const { value } = await mapIn('opportunities');
    expect(await mapOut('opportunities', { ...value, bufferStatus: 'yellow' })).toMatchObject({
      toc: { bufferStatus: 'yellow' },
    });
    const { bufferStatus: _none, ...without } = value as Record<string, unknown>;
    expect(await mapOut('opportunities', without)).toMatchObject({ toc: { bufferStatus: null } });
  });
});
