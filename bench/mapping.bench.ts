import { applyMapping } from '../core/mapping/apply.ts';
import { type CompiledMapping, compileMapping } from '../core/mapping/compile.ts';
import { parseMappingYaml } from '../core/mapping/loader.ts';
import { type BenchLine, round, withBaseline } from './harness.ts';

// 20 fields: 17 source paths (one with a default, two required, one const), two JSONata
// expressions and one value map with a fallback.
const mappingYaml = `
connector: bench
stream: orders
direction: in
entity: order
valueMaps:
  stages:
    values: { Prospecting: draft, Negotiation: draft, Closed Won: confirmed, Closed Lost: cancelled }
    default: draft
fields:
  externalId: { from: Id, required: true }
  number: { from: OrderNumber, required: true }
  status: { from: Stage, map: stages }
  customerName: { expr: "$trim(Account.Name & ' ' & Account.Suffix)" }
  totalMinor: { expr: "Amount * 100" }
  currency: { from: Currency, default: EUR }
  orderDate: OrderDate
  dueDate: DueDate
  address.street: Shipping.Street
  address.city: Shipping.City
  address.postalCode: Shipping.PostalCode
  address.country: Shipping.Country
  contact.name: Contact.Name
  contact.email: Contact.Email
  contact.phone: Contact.Phone
  note: Description
  owner: Owner.Alias
  priority: Priority
  channel: { const: crm }
  lineCount: LineCount
`;

const stages = ['Prospecting', 'Negotiation', 'Closed Won', 'Closed Lost', 'Unknown'];

function makeRecords(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    Id: `0065g00000${i}`,
    OrderNumber: `SO-${100000 + i}`,
    Stage: stages[i % stages.length],
    Account: { Name: `Customer ${i % 997}`, Suffix: i % 3 === 0 ? 'GmbH' : ' AG ' },
    Amount: (i % 10_000) + 0.25,
    Currency: i % 4 === 0 ? undefined : 'USD',
    OrderDate: '2025-03-01',
    DueDate: '2025-04-01',
    Shipping: { Street: `Street ${i}`, City: 'Berlin', PostalCode: '10115', Country: 'DE' },
    Contact: { Name: `Contact ${i}`, Email: `c${i}@example.com`, Phone: '+49 30 1234567' },
    Description: i % 2 ? 'rush order' : null,
    Owner: { Alias: `u${i % 50}` },
    Priority: i % 5,
    LineCount: (i % 20) + 1,
  }));
}

async function recordsPerSecond(
  compiled: CompiledMapping,
  records: unknown[],
  minMs: number,
): Promise<number> {
  for (const record of records.slice(0, 2000)) await applyMapping(compiled, record);
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (const record of records) {
      const result = await applyMapping(compiled, record);
      if (!result.ok) throw new Error(`bench record failed: ${JSON.stringify(result.errors)}`);
    }
    done += records.length;
  }
  return done / ((performance.now() - start) / 1000);
}

export default async function mappingBench(): Promise<BenchLine[]> {
  const definition = parseMappingYaml(mappingYaml, 'bench mapping');
  const records = makeRecords(20_000);
  const fast = compileMapping(definition);
  const jsonataOnly = compileMapping(definition, { fastPath: false });
  const baseline = await recordsPerSecond(jsonataOnly, records, 1000);
  const value = await recordsPerSecond(fast, records, 2000);
  return [
    withBaseline({
      bench: 'mapping.records_per_s',
      value: round(value, 0),
      unit: 'records/s',
      baseline: round(baseline, 0),
      goal: '>= 100000 records/s on one core (baseline: every expression through JSONata)',
    }),
  ];
}
