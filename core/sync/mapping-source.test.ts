import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDrivers } from '../../tests/support/drivers.ts';
import type { Store } from '../store/index.ts';
import { mappingFor, mappingHistory, proposedMapping, saveMappingOverride } from './mapping-source.ts';

// An override is saved as the next version whatever else saves the same mapping at the moment, and
// the one check of its text serves runs, saves, validate and dry-run alike: blank text (or YAML
// null) is the way back to the default, as an empty override of its own version.

const root = 'tests/support/mappings';
const uppercaseEmail = 'fields:\n  email: { expr: "$uppercase(email)" }\n';

describe.each(storeDrivers())('mapping overrides on $name', (driver) => {
  let store: Store;
  let sequence = 0;
  beforeAll(async () => {
    store = await driver.open();
  });
  afterAll(async () => store.close());
  const newConnection = () => ({ id: `mapped-${++sequence}`, kind: 'memory' });
  const save = (connection: { id: string; kind: string }, yaml: string, author = 'test') =>
    saveMappingOverride(store.db, connection, 'customers', 'in', yaml, author, root);

  it('gives concurrent saves of one mapping one version each', async () => {
    const connection = newConnection();
    const saved = await Promise.all(
      Array.from({ length: 8 }, (_, n) => save(connection, `description: "save ${n}"\n`, `admin-${n}`)),
    );
    expect(saved.map((entry) => entry.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const history = await mappingHistory(store.db, connection.id, 'customers', 'in');
    expect(history).toHaveLength(8);
  });

  it.each([
    ['blank text', '  \n'],
    ['YAML null', 'null\n'],
    ['a comment alone', '# back to the default\n'],
  ])('saves %s as an empty override, the next version, running the default fields', async (_, text) => {
    const connection = newConnection();
    await save(connection, uppercaseEmail);
    const proposed = await proposedMapping(store.db, connection, 'customers', 'in', text, root);
    const saved = await save(connection, text);
    const running = await mappingFor(store.db, connection, 'customers', 'in', root);
    const defaults = await mappingFor(store.db, newConnection(), 'customers', 'in', root);
    expect(saved.version).toBe(3);
    // Validate and dry-run compile what saving gives: the same hash as the run label.
    expect(running.label).toBe(saved.label);
    expect(saved.label).toBe(`override v3 (${proposed.compiled.hash.slice(0, 12)})`);
    expect(running.compiled.definition.fields).toEqual(defaults.compiled.definition.fields);
  });

  it.each([
    ['a list', '- email\n', '(root)'],
    ['a scalar', 'just text\n', '(root)'],
  ])('refuses %s, naming the override, in every check alike', async (_, text, fieldPath) => {
    const connection = newConnection();
    const refusal = {
      code: 'invalid_mapping',
      fieldPath,
      message: expect.stringContaining(
        'the override must be a YAML mapping of fields, valueMaps and options',
      ),
    };
    await expect(proposedMapping(store.db, connection, 'customers', 'in', text, root)).rejects.toMatchObject(
      refusal,
    );
    await expect(save(connection, text)).rejects.toMatchObject(refusal);
    expect(await mappingHistory(store.db, connection.id, 'customers', 'in')).toEqual([]);
  });
});
