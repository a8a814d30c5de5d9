import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HubError } from '../errors/index.ts';
import { compileMapping } from './compile.ts';
import { dryRun, zodValidator } from './dry-run.ts';
import { loadDefaultMapping } from './loader.ts';
import { createMemoryReferenceResolver, type ReferenceResolver } from './references.ts';

const canonicalCustomer = z.object({
  externalId: z.string(),
  name: z.string().min(2),
  address: z.object({ country: z.string().length(2) }),
  parentCustomerId: z.string().optional(),
});

const samples = [
  { Id: 'A1', Name: 'Acme', BillingAddress: { Country: 'Germany' }, Phone: '030 901820' },
  { Id: 'A2', Name: 'B', BillingAddress: { Country: 'Atlantis' } },
  { Name: 'No id', Phone: 'abc' },
  { Id: 'A4', Name: 'Child', ParentId: 'P-1' },
  ['not', 'an', 'object'],
];

describe('dryRun', () => {
  it('returns every output and every error, mapping and canonical schema alike', async () => {
    const compiled = compileMapping(await loadDefaultMapping('example', 'customers', 'in'));
    const report = await dryRun(compiled, samples, {}, zodValidator(canonicalCustomer));
    expect(report.mapping).toMatchObject({
      connector: 'example',
      stream: 'customers',
      version: 1,
      hash: compiled.hash,
    });
    expect(report.summary).toEqual({ total: 5, ok: 1, pending: 1, invalid: 3 });
    const [ok, schema, mapping, pending, notObject] = report.samples;
    expect(ok).toMatchObject({
      status: 'ok',
      errors: [],
      output: { externalId: 'A1', phone: '+4930901820' },
    });
    expect(schema.errors).toEqual([
      { path: 'name', code: 'canonical_schema', message: expect.stringMatching(/>=2 characters/) },
      { path: 'address.country', code: 'canonical_schema', message: expect.stringMatching(/2 character/) },
    ]);
    expect(mapping.errors.map((e) => `${e.path}:${e.code}`)).toEqual([
      'externalId:required',
      'phone:invalid_phone',
    ]);
    expect(pending).toMatchObject({
      status: 'pending',
      errors: [],
      pendingRefs: [
        { direction: 'in', entity: 'customer', externalId: 'P-1', fieldPath: 'parentCustomerId' },
      ],
    });
    expect(notObject).toMatchObject({
      status: 'invalid',
      errors: [{ path: '(record)', code: 'invalid_record' }],
    });
  });

  it('reports a sample the run refuses before mapping as invalid with that error, unmapped', async () => {
    const compiled = compileMapping(await loadDefaultMapping('example', 'customers', 'in'));
    const check = (record: unknown) =>
      (record as { Id?: string }).Id
        ? undefined
        : new HubError('invalid_data', 'missing_primary_key', 'record has no Id', { fieldPath: 'Id' });
    const report = await dryRun(compiled, [samples[0], samples[2]], {}, undefined, check);
    expect(report.summary).toEqual({ total: 2, ok: 1, pending: 0, invalid: 1 });
    expect(report.samples[1]).toEqual({
      index: 1,
      status: 'invalid',
      output: {},
      errors: [{ path: 'Id', code: 'missing_primary_key', message: 'record has no Id' }],
      pendingRefs: [],
    });
  });

  it('writes nothing: samples are untouched and the resolver is only read', async () => {
    const compiled = compileMapping(await loadDefaultMapping('example', 'customers', 'in'));
    const memory = createMemoryReferenceResolver();
    memory.link('customer', 'P-1', 'cus_1');
    const calls: string[] = [];
    // Only the two read methods exist; any other use of the resolver would throw.
    const readOnly: ReferenceResolver = Object.freeze({
      toCanonical: (entity: string, id: string) => {
        calls.push(`toCanonical ${entity} ${id}`);
        return memory.toCanonical(entity, id);
      },
      toExternal: (entity: string, id: string) => {
        calls.push(`toExternal ${entity} ${id}`);
        return memory.toExternal(entity, id);
      },
    });
    const before = structuredClone(samples);
    const first = await dryRun(compiled, samples, { resolver: readOnly });
    const second = await dryRun(compiled, samples, { resolver: readOnly });
    expect(samples).toEqual(before);
    expect(second).toEqual(first);
    expect(first.samples[3]).toMatchObject({ status: 'ok', output: { parentCustomerId: 'cus_1' } });
    expect(new Set(calls)).toEqual(new Set(['toCanonical customer P-1']));
  });
});
