import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubError } from '../errors/index.ts';
import { compileMapping, mappingCacheStats, mappingVersionOf } from './compile.ts';
import { hashMapping } from './hash.ts';
import { loadDefaultMapping, loadMappingFile, parseMapping, parseMappingYaml } from './loader.ts';

const base = { connector: 'crm', stream: 'accounts', direction: 'in', entity: 'customer' };

function failure(run: () => unknown): HubError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HubError);
    return error as HubError;
  }
  throw new Error('expected a failure');
}

describe('mapping loader', () => {
  it('loads and compiles the example mappings shipped in mappings/example', async () => {
    const inbound = await loadDefaultMapping('example', 'customers', 'in');
    const outbound = await loadDefaultMapping('example', 'customers', 'out');
    expect(inbound.entity).toBe('customer');
    expect(outbound.direction).toBe('out');
    expect(compileMapping(inbound).expressions.fast).toBeGreaterThan(0);
  });

  it('names the file, line and column of broken YAML', () => {
    const error = failure(() =>
      parseMappingYaml('connector: crm\nfields:\n  name: [unclosed\n', 'crm/accounts.in.yaml'),
    );
    expect(error.code).toBe('invalid_mapping');
    expect(error.message).toMatch(/^crm\/accounts\.in\.yaml: line \d+, column \d+: not valid YAML/);
    expect(error.details.file).toBe('crm/accounts.in.yaml');
  });

  it('names the file and the field of a schema error', () => {
    const both = failure(() =>
      parseMapping({ ...base, fields: { name: { from: 'Name', expr: 'Name' } } }, 'f.yaml'),
    );
    expect(both.message).toBe('f.yaml: fields.name: give exactly one of from, expr or const');
    expect(both.fieldPath).toBe('fields.name');
    const typo = failure(() => parseMapping({ ...base, fields: { name: { form: 'Name' } } }, 'f.yaml'));
    expect(typo.message).toMatch(/^f\.yaml: fields\.name: .*form/);
    const direction = failure(() =>
      parseMapping({ ...base, direction: 'sideways', fields: { a: 'A' } }, 'f.yaml'),
    );
    expect(direction.fieldPath).toBe('direction');
    const nested = failure(() =>
      parseMapping(
        { ...base, fields: { lines: { from: 'Lines', each: { qty: { required: 'yes', from: 'Q' } } } } },
        'f.yaml',
      ),
    );
    expect(nested.fieldPath).toBe('fields.lines.each.qty.required');
  });

  it('fails at load time on a broken JSONata expression, naming file and field', () => {
    const error = failure(() =>
      parseMapping({ ...base, fields: { name: { expr: '$uppercase(Name' } } }, 'crm.yaml'),
    );
    expect(error.message).toMatch(/^crm\.yaml: fields\.name\.expr: JSONata S0203 at position \d+/);
    expect(error.fieldPath).toBe('fields.name.expr');
  });

  it('fails at load time on unknown functions, value maps and bad paths', () => {
    const fn = failure(() => parseMapping({ ...base, fields: { n: { expr: '$uppercse(Name)' } } }, 'a.yaml'));
    expect(fn.message).toBe('a.yaml: fields.n.expr: unknown variable or function $uppercse');
    const map = failure(() =>
      parseMapping({ ...base, fields: { s: { from: 'Stage', map: 'stages' } } }, 'a.yaml'),
    );
    expect(map.message).toBe('a.yaml: fields.s.map: no value map named "stages"');
    const lookup = failure(() =>
      parseMapping({ ...base, fields: { s: { expr: "$lookup('stages', Stage)" } } }, 'a.yaml'),
    );
    expect(lookup.message).toMatch(/fields\.s\.expr: \$lookup: no value map named "stages"/);
    const path = failure(() => parseMapping({ ...base, fields: { s: { from: 'a..b' } } }, 'a.yaml'));
    expect(path.fieldPath).toBe('fields.s.from');
    const zone = failure(() =>
      parseMapping({ ...base, options: { timeZone: 'Mars/Olympus' }, fields: { a: 'A' } }, 'a.yaml'),
    );
    expect(zone.fieldPath).toBe('options.timeZone');
  });

  it('accepts local JSONata bindings and lambdas', () => {
    const raw = { ...base, fields: { n: { expr: '($f := function($x) { $x & "!" }; $f(Name))' } } };
    expect(() => parseMapping(raw, 'a.yaml')).not.toThrow();
  });

  it('checks that a default file says what its name says', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mappings-'));
    await mkdir(join(root, 'crm'));
    const text = 'connector: crm\nstream: accounts\ndirection: out\nentity: customer\nfields:\n  a: A\n';
    await writeFile(join(root, 'crm', 'accounts.in.yaml'), text);
    await expect(loadDefaultMapping('crm', 'accounts', 'in', root)).rejects.toThrow(
      /direction "in" but the file says "out"/,
    );
    await expect(loadMappingFile(join(root, 'missing.yaml'))).rejects.toThrow(/cannot read mapping file/);
  });

  it('compiles once per version: the same content is a cache hit, a new version is not', () => {
    const definition = parseMapping(
      { ...base, version: 7, fields: { name: { expr: "Name & '!'" } } },
      'a.yaml',
    );
    const first = compileMapping(definition);
    const before = mappingCacheStats();
    const again = compileMapping(structuredClone(definition));
    expect(again).toBe(first);
    expect(mappingVersionOf(first)).toEqual({
      connector: 'crm',
      stream: 'accounts',
      direction: 'in',
      version: 7,
      hash: first.hash,
    });
    expect(mappingCacheStats().hits).toBe(before.hits + 1);
    const next = compileMapping({ ...definition, version: 8 });
    expect(next).not.toBe(first);
    expect(mappingCacheStats().misses).toBe(before.misses + 1);
  });

  it('hashes content independent of key order', () => {
    const a = parseMapping({ ...base, fields: { a: 'A', b: 'B' } }, 'a.yaml');
    const b = parseMapping(
      {
        fields: { a: 'A', b: 'B' },
        entity: 'customer',
        direction: 'in',
        stream: 'accounts',
        connector: 'crm',
      },
      'b.yaml',
    );
    expect(hashMapping(a)).toBe(hashMapping(b));
    expect(hashMapping(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashMapping({ ...a, version: 2 })).not.toBe(hashMapping(a));
  });
});
