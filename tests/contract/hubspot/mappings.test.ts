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

const firstResult = (name: string) =>
  structuredClone((fixture(name) as { results: Array<Record<string, unknown>> }).results[0]);

/** Objects as the connector yields them; deals carry company_id and line_items. */
const samples: Record<string, Record<string, unknown>> = {
  companies: firstResult('companies-search-1'),
  contacts: firstResult('contacts-search'),
  products: firstResult('products-search'),
  deals: {
    ...firstResult('deals-search'),
    company_id: '5001',
    line_items: (fixture('line-items-batch-read') as { results: unknown[] }).results,
  },
};

async function mapIn(stream: string) {
  const definition = await loadDefaultMapping('hubspot', stream, 'in');
  const result = await applyMapping(compileMapping(definition), structuredClone(samples[stream]), {
    resolver,
  });
  expect(result.errors).toEqual([]);
  return { entity: definition.entity as CanonicalEntity, value: result.value };
}

async function mapOut(stream: string, canonical: Record<string, unknown>) {
  const definition = await loadDefaultMapping('hubspot', stream, 'out');
  const result = await applyMapping(compileMapping(definition), canonical, { resolver });
  expect(result.errors).toEqual([]);
  return result.value;
}

describe('hubspot default mappings', () => {
  for (const stream of Object.keys(samples)) {
    it(`maps a ${stream} object to a valid canonical record and back`, async () => {
      const { entity, value } = await mapIn(stream);
      expect(() => validateEntity(entity, value, String(samples[stream].id))).not.toThrow();
      expect(Object.keys(await mapOut(stream, value)).length).toBeGreaterThan(1);
    });
  }

  it('reads string properties into typed canonical values', async () => {
    expect((await mapIn('companies')).value).toMatchObject({
      name: 'Acme Machining',
      phone: '+13125550100',
      address: { country: 'US' },
    });
    expect((await mapIn('contacts')).value).toMatchObject({
      email: 'dana.whitfield@acmemachining.example',
      customerId: 'customer:5001',
    });
    expect((await mapIn('products')).value).toMatchObject({
      listPrice: { amountMinor: 8450 },
      standardCost: { amountMinor: 4120 },
    });
    const deal = (await mapIn('deals')).value as {
      stage: string;
      customerId: string;
      lines: Array<{ itemId: string; quantity: { value: number } }>;
    };
    expect(deal).toMatchObject({
      stage: 'negotiation',
      customerId: 'customer:5001',
      closeDate: '2024-06-30',
      amount: { amountMinor: 4_200_000, currency: 'USD' },
    });
    expect(deal.lines.map((line) => [line.itemId, line.quantity.value])).toEqual([
      ['item:3001', 300],
      ['item:3001', 200],
    ]);
  });

  it('converts line prices with the digits of the deal currency they are labelled with', async () => {
    const compiled = compileMapping(await loadDefaultMapping('hubspot', 'deals', 'in'));
    const dealIn = async (currency: string, price: string) => {
      const deal = structuredClone(samples.deals) as { properties: Record<string, unknown> };
      deal.properties.deal_currency_code = currency;
      const lineItems = [{ id: 'L1', properties: { hs_product_id: '77', quantity: '2', price } }];
      const result = await applyMapping(compiled, { ...deal, line_items: lineItems }, { resolver });
      expect(result.errors).toEqual([]);
      return (result.value.lines as Array<{ unitPrice: unknown }>)[0]!.unitPrice;
    };
    expect(await dealIn('JPY', '1500')).toEqual({ amountMinor: 1500, currency: 'JPY' });
    expect(await dealIn('KWD', '12.345')).toEqual({ amountMinor: 12_345, currency: 'KWD' });
    expect(await dealIn('EUR', '12.34')).toEqual({ amountMinor: 1234, currency: 'EUR' });
  });

  it('prices a line item without a price by its amount over its quantity, and keeps one with neither unpriced', async () => {
    const compiled = compileMapping(await loadDefaultMapping('hubspot', 'deals', 'in'));
    const deal = structuredClone(samples.deals) as { id: string; properties: Record<string, unknown> };
    deal.properties.deal_currency_code = 'EUR';
    const line = (id: string, properties: Record<string, string | null>) => ({
      id,
      properties: { hs_product_id: '3001', discount: null, ...properties },
    });
    const lineItems = [
      line('7101', { quantity: '3', price: null, amount: '100' }),
      line('7102', { quantity: '4', price: '', amount: '' }),
      line('7103', { quantity: '0', amount: '50' }),
      line('7104', { quantity: '2', price: '12.50', amount: '20' }),
    ];
    const result = await applyMapping(compiled, { ...deal, line_items: lineItems }, { resolver });
    expect(result.errors).toEqual([]);
    expect(() => validateEntity('opportunity', result.value, deal.id)).not.toThrow();
    const lines = result.value.lines as Array<{ quantity: { value: number }; unitPrice?: unknown }>;
    expect(lines.map((entry) => [entry.quantity.value, entry.unitPrice])).toEqual([
      [3, { amountMinor: 3333, currency: 'EUR' }],
      [4, undefined],
      [0, undefined],
      [2, { amountMinor: 1250, currency: 'EUR' }],
    ]);
    expect(lines.filter((entry) => 'unitPrice' in entry)).toHaveLength(2);
  });

  it('reads a close date as the day it falls on in the portal’s time zone', async () => {
    const compiled = compileMapping(await loadDefaultMapping('hubspot', 'deals', 'in'));
    const closing = async (closedate: string, portalTimeZone?: string) => {
      const deal = structuredClone(samples.deals) as { properties: Record<string, unknown> };
      deal.properties.closedate = closedate;
      const zone = portalTimeZone === undefined ? {} : { portal_time_zone: portalTimeZone };
      const result = await applyMapping(compiled, { ...deal, ...zone }, { resolver });
      expect(result.errors).toEqual([]);
      return result.value.closeDate;
    };
    expect(await closing('2024-07-01T04:30:00.000Z', 'America/Chicago')).toBe('2024-06-30');
    expect(await closing('2024-06-30T15:30:00.000Z', 'Pacific/Auckland')).toBe('2024-07-01');
    expect(await closing('2024-07-01T04:30:00.000Z', 'US/Eastern')).toBe('2024-07-01');
    // Deals read before the connector gave the portal's zone: UTC, as before.
    expect(await closing('2024-07-01T04:30:00.000Z')).toBe('2024-07-01');
  });

  it('writes a deal back into the default pipeline with its stage', async () => {
    const { value } = await mapIn('deals');
    expect(await mapOut('deals', value)).toEqual({
      dealname: 'Acme - 500 housings',
      pipeline: 'default',
      dealstage: 'contractsent',
      closedate: '2024-06-30',
      amount: 42000,
      deal_currency_code: 'USD',
      toc: { promiseDate: null, throughputPerConstraintMinute: null, bufferStatus: null },
    });
  });

  it('puts the promise date and the throughput score under toc for the push-back properties', async () => {
    const { value } = await mapIn('deals');
    const scored = { ...value, promiseDate: '2024-06-14', throughputPerConstraintMinute: 12.5 };
    expect(await mapOut('deals', scored)).toMatchObject({
      dealstage: 'contractsent',
      toc: { promiseDate: '2024-06-14', throughputPerConstraintMinute: 12.5 },
    });
  });

  it('sends a null score and a null promise date for a deal that has none (any more), so the properties are cleared', async () => {
    const { value } = await mapIn('deals');
    const { toc } = (await mapOut('deals', {
      ...value,
      promiseDate: undefined,
      throughputPerConstraintMinute: undefined,
    })) as {
      toc: Record<string, unknown>;
    };
    expect(toc).toEqual({ promiseDate: null, throughputPerConstraintMinute: null, bufferStatus: null });
  });

  it("puts the colour of the won deal's order under toc for the buffer-status property", async () => {
    const { value } = await mapIn('deals');
    expect(await mapOut('deals', { ...value, bufferStatus: 'red' })).toMatchObject({
      toc: { bufferStatus: 'red' },
    });
  });
});
