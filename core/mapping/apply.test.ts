import { describe, expect, it } from 'vitest';
import { applyMapping } from './apply.ts';
import { compileMapping } from './compile.ts';
import { parseMappingYaml } from './loader.ts';

const compile = (yaml: string) => compileMapping(parseMappingYaml(yaml, 'test.yaml'));

const orders = compile(`
connector: crm
stream: deals
direction: in
entity: order
options: { region: DE, timeZone: Europe/Berlin, currency: EUR }
valueMaps:
  stages:
    values: { Closed Won: confirmed, Negotiation: draft }
    default: draft
  units:
    values: { PCE: pc, KGM: kg }
  countries:
    ignoreCase: true
    passthrough: true
    values: { germany: DE, deutschland: DE }
fields:
  externalId: { from: Id, required: true }
  firstTag: Tags[0]
  secondTag: Tags.1
  spaced: '["Deal Name"]'
  customer.name: { expr: "$uppercase(Account.Name)" }
  status: { from: Stage, map: stages }
  statusViaLookup: { expr: "$lookup('stages', Stage)" }
  country: { from: Country, map: countries }
  source: { const: crm }
  meta: { const: { system: crm, tags: [a] } }
  currency: { from: Currency, default: EUR }
  closedAt: { expr: "$parseDate(CloseDate)" }
  phone: { expr: "$normalizePhone(Phone)" }
  totalMinor: { expr: "$toMinorUnits(Amount, Currency)" }
  lineTotal: { expr: "$sum(Lines.Qty)" }
  lines:
    from: Lines
    each:
      sku: { from: Sku, required: true }
      quantity: { from: Qty, default: 1 }
      unit: { from: Unit, map: units }
      priceMinor: { expr: "$toMinorUnits(Price, $root.Currency)" }
`);

const deal = {
  Id: 'D-1',
  Tags: ['hot', 'q3'],
  'Deal Name': 'Big one',
  Account: { Name: 'Acme' },
  Stage: 'Closed Won',
  Country: 'GERMANY',
  Currency: 'JPY',
  CloseDate: '2025-07-01 09:30',
  Phone: '030 901820',
  Amount: '1500',
  Lines: [
    { Sku: 'A-1', Qty: 2, Unit: 'PCE', Price: 500 },
    { Sku: 'B-2', Unit: 'KGM', Price: '250' },
  ],
};

describe('applyMapping inbound', () => {
  it('maps source paths, expressions, constants, value maps, defaults, helpers and nested lines', async () => {
    const result = await applyMapping(orders, deal);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.value).toEqual({
      externalId: 'D-1',
      firstTag: 'hot',
      secondTag: 'q3',
      spaced: 'Big one',
      customer: { name: 'ACME' },
      status: 'confirmed',
      statusViaLookup: 'confirmed',
      country: 'DE',
      source: 'crm',
      meta: { system: 'crm', tags: ['a'] },
      currency: 'JPY',
      closedAt: '2025-07-01T09:30:00+02:00',
      phone: '+4930901820',
      totalMinor: 1500,
      lineTotal: 2,
      lines: [
        { sku: 'A-1', quantity: 2, unit: 'pc', priceMinor: 500 },
        { sku: 'B-2', quantity: 1, unit: 'kg', priceMinor: 250 },
      ],
    });
  });

  it('uses value map fallbacks: default, passthrough, and an error when there is none', async () => {
    const result = await applyMapping(orders, {
      ...deal,
      Stage: 'Someday',
      Country: 'Atlantis',
      Lines: [{ Sku: 'A', Unit: 'BOX' }],
    });
    expect(result.value.status).toBe('draft');
    expect(result.value.country).toBe('Atlantis');
    expect(result.status).toBe('invalid');
    expect(result.errors).toEqual([
      {
        path: 'lines.0.unit',
        code: 'value_not_mapped',
        message: '"BOX" is not in value map "units" and the map has no default',
      },
    ]);
  });

  it('applies defaults to missing, null and empty values, and reports required fields by path', async () => {
    const result = await applyMapping(orders, { ...deal, Id: '', Currency: null, Lines: [{ Qty: 3 }] });
    expect(result.value.currency).toBe('EUR');
    expect(result.errors.map((error) => `${error.path}:${error.code}`)).toEqual([
      'externalId:required',
      'lines.0.sku:required',
    ]);
  });

  it('reports helper failures per field and keeps mapping the other fields', async () => {
    const result = await applyMapping(orders, {
      ...deal,
      Phone: '12',
      CloseDate: '2025-02-30',
      Amount: 'lots',
    });
    expect(result.errors.map((error) => `${error.path}:${error.code}`).sort()).toEqual([
      'closedAt:invalid_date',
      'phone:invalid_phone',
      'totalMinor:invalid_amount',
    ]);
    expect(result.value.externalId).toBe('D-1');
  });

  it('reports JSONata runtime errors with the field path', async () => {
    const compiled = compile(`
connector: crm
stream: deals
direction: in
entity: order
fields:
  doubled: { expr: "Amount * 2" }
`);
    const result = await applyMapping(compiled, { Amount: 'ten' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ path: 'doubled', code: 'expression_failed' });
    expect(result.errors[0].message).toMatch(/JSONata T2001/);
  });

  it('wraps a single object as a one-line list and rejects scalars where a list is expected', async () => {
    const single = await applyMapping(orders, { ...deal, Lines: { Sku: 'X', Unit: 'PCE' } });
    expect(single.value.lines).toEqual([{ sku: 'X', quantity: 1, unit: 'pc' }]);
    const scalar = await applyMapping(orders, { ...deal, Lines: 'none' });
    expect(scalar.errors).toContainEqual({
      path: 'lines',
      code: 'not_a_list',
      message: 'expected a list, got string',
    });
  });

  it('does not share constant objects between records and does not modify the input', async () => {
    const input = structuredClone(deal);
    const first = await applyMapping(orders, input);
    const second = await applyMapping(orders, input);
    expect(first.value.meta).not.toBe(second.value.meta);
    expect(input).toEqual(deal);
  });

  it('rejects a record that is not an object', async () => {
    await expect(applyMapping(orders, [deal])).rejects.toThrow(/must be a JSON object/);
  });
});

describe.each([true, false])('applyMapping with non-finite numbers (fast path %s)', (fastPath) => {
  const numbers = compileMapping(
    parseMappingYaml(
      `
connector: crm
stream: deals
direction: in
entity: order
fields:
  externalId: Id
  amount: { expr: "$number(Amount)" }
  total: { expr: "Price * Qty" }
  copied: Weight
  nested: Dimensions
`,
      'numbers.yaml',
    ),
    { fastPath },
  );

  it('reports a number that overflows to Infinity as an error of its field, never as a value', async () => {
    const record = JSON.parse(
      '{"Id":"D-9","Amount":"1e400","Price":1e308,"Qty":10,"Weight":1e400,"Dimensions":{"sizes":[1,-1e400]}}',
    );
    const result = await applyMapping(numbers, record);
    expect(result.status).toBe('invalid');
    expect(result.errors.map((error) => error.path).sort()).toEqual([
      'amount',
      'copied',
      'nested.sizes.1',
      'total',
    ]);
    expect(result.errors.find((error) => error.path === 'total')).toMatchObject({
      code: 'non_finite_number',
      message: 'expected a finite number, got Infinity',
    });
    expect(result.errors.find((error) => error.path === 'amount')?.message).toContain('1e400');
    expect(result.value).toEqual({ externalId: 'D-9' });
  });

  it('keeps the largest finite numbers', async () => {
    const result = await applyMapping(numbers, {
      Id: 'D-10',
      Amount: '1e308',
      Price: 1e300,
      Qty: 2,
      Weight: -1.5,
      Dimensions: { sizes: [1, 2] },
    });
    expect(result.errors).toEqual([]);
    expect(result.value).toEqual({
      externalId: 'D-10',
      amount: 1e308,
      total: 2e300,
      copied: -1.5,
      nested: { sizes: [1, 2] },
    });
  });
});
