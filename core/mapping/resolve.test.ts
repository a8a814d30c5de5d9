import { describe, expect, it } from 'vitest';
import { applyMapping } from './apply.ts';
import { compileMapping } from './compile.ts';
import { loadDefaultMapping, parseMappingOverride } from './loader.ts';
import { resolveMapping } from './resolve.ts';

describe('resolveMapping', () => {
  it('runs the default file as is when a connection has no override', async () => {
    const defaults = await loadDefaultMapping('example', 'customers', 'in');
    const resolved = resolveMapping(defaults);
    expect(resolved).toMatchObject({ version: 1, overridden: false, definition: defaults });
  });

  it('merges an override: fields replaced or removed, value map entries added, options merged', async () => {
    const defaults = await loadDefaultMapping('example', 'customers', 'in');
    const override = parseMappingOverride(
      {
        version: 2,
        options: { region: 'FR' },
        valueMaps: { countries: { values: { Allemagne: 'DE' } }, segments: null },
        fields: { segment: { const: 'regular' }, source: null, vatId: 'VatNumber' },
      },
      'connection acme-crm override v2',
    );
    const resolved = resolveMapping(defaults, override);
    expect(resolved.version).toBe(2);
    expect(resolved.overridden).toBe(true);
    expect(resolved.hash).not.toBe(resolveMapping(defaults).hash);
    const { definition } = resolved;
    expect(definition.options).toEqual({ region: 'FR', timeZone: 'Europe/Berlin', currency: 'EUR' });
    expect(definition.valueMaps.countries.values).toMatchObject({ Germany: 'DE', Allemagne: 'DE' });
    expect(definition.valueMaps.countries.passthrough).toBe(true);
    expect(definition.valueMaps.segments).toBeUndefined();
    expect(definition.fields.source).toBeUndefined();

    const compiled = compileMapping(definition);
    const result = await applyMapping(compiled, {
      Id: 'A1',
      Name: 'Société',
      Rating: 'A',
      Phone: '01 23 45 67 89',
      BillingAddress: { Country: 'Allemagne' },
      VatNumber: 'FR123',
    });
    expect(result.value).toMatchObject({
      segment: 'regular',
      phone: '+33123456789',
      vatId: 'FR123',
      address: { country: 'DE' },
    });
    expect(result.value).not.toHaveProperty('source');
  });

  it('gives the same hash for the same override content, so the compiled mapping is reused', async () => {
    const defaults = await loadDefaultMapping('example', 'customers', 'in');
    const raw = { version: 3, fields: { name: { expr: '$uppercase(Name)' } } };
    const a = resolveMapping(defaults, parseMappingOverride(raw, 'v3'));
    const b = resolveMapping(defaults, parseMappingOverride(structuredClone(raw), 'v3 again'));
    expect(a.hash).toBe(b.hash);
    expect(compileMapping(a.definition)).toBe(compileMapping(b.definition));
  });

  it('rejects an override that breaks the mapping, naming the override and the field', async () => {
    const defaults = await loadDefaultMapping('example', 'customers', 'in');
    const removesMap = parseMappingOverride({ version: 4, valueMaps: { segments: null } }, 'v4');
    expect(() => resolveMapping(defaults, removesMap)).toThrow(
      'override v4 of example/customers.in: fields.segment.map: no value map named "segments"',
    );
    expect(() => parseMappingOverride({ version: 5, fields: { x: { expr: 1 } } }, 'v5')).toThrow(
      /^v5: fields\.x\.expr/,
    );
    expect(() => parseMappingOverride({ fields: {} }, 'v6')).toThrow(/^v6: version/);
  });
});
