import { describe, expect, it } from 'vitest';
import { HubError } from '../errors/index.ts';
import { applyMapping } from './apply.ts';
import { compileMapping } from './compile.ts';
import { loadDefaultMapping, parseMappingYaml } from './loader.ts';
import {
  createMemoryReferenceResolver,
  describePendingRefs,
  isParkingExpired,
  pendingRefKey,
  type ReferenceResolver,
} from './references.ts';

const compile = (yaml: string) => compileMapping(parseMappingYaml(yaml, 'test.yaml'));

const inbound = compile(`
connector: erp
stream: orders
direction: in
entity: order
fields:
  externalId: Id
  customerId: { from: CustomerNo, ref: customer, required: true }
  ownerId: { from: Owner, ref: { entity: user, onMissing: "null" } }
  plantId: { from: Plant, ref: { entity: plant, onMissing: fail } }
  lines:
    from: Lines
    each:
      itemId: { from: Item, ref: item }
`);

describe('references inbound', () => {
  it('turns external ids into canonical ids', async () => {
    const xref = createMemoryReferenceResolver();
    xref.link('customer', '10001', 'cus_1');
    xref.link('user', 'u7', 'usr_7');
    xref.link('plant', 'P1', 'pla_1');
    xref.link('item', 'A-1', 'itm_1');
    const result = await applyMapping(
      inbound,
      { Id: 'SO1', CustomerNo: 10001, Owner: 'u7', Plant: 'P1', Lines: [{ Item: 'A-1' }] },
      { resolver: xref },
    );
    expect(result).toEqual({
      ok: true,
      status: 'ok',
      errors: [],
      pendingRefs: [],
      value: {
        externalId: 'SO1',
        customerId: 'cus_1',
        ownerId: 'usr_7',
        plantId: 'pla_1',
        lines: [{ itemId: 'itm_1' }],
      },
    });
  });

  it('reports a missing reference as pending, then resolves once the referenced record has arrived', async () => {
    const xref = createMemoryReferenceResolver();
    xref.link('plant', 'P1', 'pla_1');
    const record = {
      Id: 'SO2',
      CustomerNo: 'C-9',
      Owner: 'nobody',
      Plant: 'P1',
      Lines: [{ Item: 'A-1' }, { Item: 'B-2' }],
    };
    const first = await applyMapping(inbound, record, { resolver: xref });
    expect(first.ok).toBe(false);
    expect(first.status).toBe('pending');
    expect(first.value.ownerId).toBeNull();
    expect(first.pendingRefs).toEqual([
      { direction: 'in', entity: 'customer', externalId: 'C-9', fieldPath: 'customerId' },
      { direction: 'in', entity: 'item', externalId: 'A-1', fieldPath: 'lines.0.itemId' },
      { direction: 'in', entity: 'item', externalId: 'B-2', fieldPath: 'lines.1.itemId' },
    ]);
    expect(first.pendingRefs.map(pendingRefKey)).toEqual(['in:customer:C-9', 'in:item:A-1', 'in:item:B-2']);

    // The customer and items arrive; the parked record is retried.
    xref.link('customer', 'C-9', 'cus_9');
    xref.link('item', 'A-1', 'itm_1');
    xref.link('item', 'B-2', 'itm_2');
    const retried = await applyMapping(inbound, record, { resolver: xref });
    expect(retried.status).toBe('ok');
    expect(retried.value).toMatchObject({
      customerId: 'cus_9',
      lines: [{ itemId: 'itm_1' }, { itemId: 'itm_2' }],
    });
  });

  it('fails the record for onMissing: fail, and keeps pending refs when other errors occur', async () => {
    const result = await applyMapping(inbound, { Id: 'SO3', CustomerNo: 'C-1', Plant: 'P-x' }, {});
    expect(result.status).toBe('invalid');
    expect(result.errors).toEqual([
      { path: 'plantId', code: 'reference_missing', message: 'no plant is linked to external id "P-x"' },
    ]);
    expect(result.pendingRefs).toHaveLength(1);
  });

  it('waits for async resolvers and lets resolver failures reject the call', async () => {
    const slow: ReferenceResolver = {
      toCanonical: async (entity, id) => (entity === 'customer' ? `cus_${id}` : `${entity}_${id}`),
      toExternal: async () => undefined,
    };
    const result = await applyMapping(
      inbound,
      { Id: 'SO4', CustomerNo: 'C-4', Plant: 'P' },
      { resolver: slow },
    );
    expect(result.value).toMatchObject({ customerId: 'cus_C-4', plantId: 'plant_P' });
    const broken: ReferenceResolver = {
      toCanonical: async () => {
        throw new Error('connection refused');
      },
      toExternal: () => undefined,
    };
    await expect(
      applyMapping(inbound, { Id: 'SO5', CustomerNo: 'C-5' }, { resolver: broken }),
    ).rejects.toThrow('connection refused');
  });

  it('rejects references that are not ids', async () => {
    const result = await applyMapping(inbound, { Id: 'SO6', CustomerNo: { no: 1 }, Plant: 'P' }, {});
    expect(result.errors[0]).toMatchObject({ path: 'customerId', code: 'invalid_reference' });
  });

  it('describes what a parked record waits for, and when it expires', () => {
    const refs = [
      { direction: 'in' as const, entity: 'customer', externalId: 'C-9', fieldPath: 'customerId' },
      { direction: 'out' as const, entity: 'item', canonicalId: 'itm_1', fieldPath: 'lines.0.itemId' },
    ];
    expect(describePendingRefs(refs, 3_600_000)).toBe(
      'Referenced record not found after waiting 60 min: customerId → customer with external id "C-9"; ' +
        'lines.0.itemId → item with canonical id "itm_1"',
    );
    const parked = { parkedAt: '2025-01-01T00:00:00.000Z' };
    expect(isParkingExpired(parked, new Date('2025-01-01T00:59:59Z'), 3_600_000)).toBe(false);
    expect(isParkingExpired(parked, new Date('2025-01-01T01:00:00Z'), 3_600_000)).toBe(true);
  });
});

describe('references outbound', () => {
  it('maps a canonical customer to the target system, turning canonical ids into its ids', async () => {
    const compiled = compileMapping(await loadDefaultMapping('example', 'customers', 'out'));
    const xref = createMemoryReferenceResolver();
    xref.link('customer', 'ACC-PARENT', 'cus_parent');
    const customer = {
      name: 'Acme',
      segment: 'key_account',
      address: { street: 'Hauptstr. 1', city: 'Berlin', country: 'DE' },
      phone: '+4930901820',
      creditLimitMinor: 123456,
      parentCustomerId: 'cus_parent',
      contacts: [{ email: 'ann@acme.example', phone: '+4930901821' }],
    };
    const result = await applyMapping(compiled, customer, { resolver: xref });
    expect(result).toMatchObject({ ok: true, status: 'ok' });
    expect(result.value).toEqual({
      Name: 'Acme',
      Rating: 'A',
      BillingAddress: { Street: 'Hauptstr. 1', City: 'Berlin', Country: 'DE' },
      Phone: '+4930901820',
      CreditLimit: 1234.56,
      ParentId: 'ACC-PARENT',
      Contacts: [{ Email: 'ann@acme.example', Phone: '+4930901821' }],
    });
  });

  it('reports an outbound reference the target system does not know yet as pending by canonical id', async () => {
    const compiled = compileMapping(await loadDefaultMapping('example', 'customers', 'out'));
    const xref = createMemoryReferenceResolver();
    const customer = { name: 'Beta', parentCustomerId: 'cus_new' };
    const first = await applyMapping(compiled, customer, { resolver: xref });
    expect(first.status).toBe('pending');
    expect(first.pendingRefs).toEqual([
      { direction: 'out', entity: 'customer', canonicalId: 'cus_new', fieldPath: 'ParentId' },
    ]);
    xref.link('customer', 'ACC-77', 'cus_new');
    const retried = await applyMapping(compiled, customer, { resolver: xref });
    expect(retried.status).toBe('ok');
    expect(retried.value.ParentId).toBe('ACC-77');
  });

  it('reports an id the resolver refuses as an error of its field, and rejects on its other failures', async () => {
    const compiled = compileMapping(await loadDefaultMapping('example', 'customers', 'out'));
    const customer = { name: 'Gamma', parentCustomerId: 'not-an-id' };
    const refusal = () =>
      new HubError('invalid_data', 'invalid_reference', '"not-an-id" is not the canonical id of a customer');
    const refusing: ReferenceResolver[] = [
      {
        toCanonical: () => undefined,
        toExternal: () => {
          throw refusal();
        },
      },
      { toCanonical: () => undefined, toExternal: async () => Promise.reject(refusal()) },
    ];
    for (const resolver of refusing) {
      const result = await applyMapping(compiled, customer, { resolver });
      expect(result.status).toBe('invalid');
      expect(result.errors).toEqual([
        {
          path: 'ParentId',
          code: 'invalid_reference',
          message: '"not-an-id" is not the canonical id of a customer',
        },
      ]);
      expect(result.value.Name).toBe('Gamma');
    }
    const down: ReferenceResolver = {
      toCanonical: () => undefined,
      toExternal: async () => Promise.reject(new HubError('transient', 'network_error', 'database down')),
    };
    await expect(applyMapping(compiled, customer, { resolver: down })).rejects.toThrow('database down');
  });
});
