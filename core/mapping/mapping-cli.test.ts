import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { type MappingCommandDeps, registerMappingCommands } from '../cli/commands/mapping.ts';
import { loadDefaultMapping } from './loader.ts';
import { createMemoryReferenceResolver } from './references.ts';

async function run(args: string[], deps: MappingCommandDeps = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command().exitOverride();
  registerMappingCommands(program, { ...deps, write: (t) => out.push(t), writeError: (t) => err.push(t) });
  await program.parseAsync(['node', 'thub', ...args]);
  return { out: out.join(''), err: err.join('') };
}

async function tempFile(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'mapping-cli-')), name);
  await writeFile(path, text);
  return path;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('thub mapping', () => {
  it('test: dry-runs samples against the connector’s default mapping', async () => {
    const sample = await tempFile('s.json', JSON.stringify([{ Id: 'A1', Name: 'Acme' }, { Name: 'no id' }]));
    const { out } = await run(['mapping', 'test', 'example', 'customers', '--sample', sample]);
    const report = JSON.parse(out);
    expect(report.summary).toEqual({ total: 2, ok: 1, pending: 0, invalid: 1 });
    expect(report.samples[1].errors[0]).toMatchObject({ path: 'externalId', code: 'required' });
    expect(process.exitCode).toBe(1);
  });

  it('test: uses --file and --direction out, with the wired connection lookup and resolver', async () => {
    const sample = await tempFile('c.json', JSON.stringify({ name: 'Acme', parentCustomerId: 'cus_1' }));
    const xref = createMemoryReferenceResolver();
    xref.link('customer', 'ACC-1', 'cus_1');
    const { out } = await run(
      [
        'mapping',
        'test',
        'acme-crm',
        'customers',
        '-s',
        sample,
        '-d',
        'out',
        '-f',
        'mappings/example/customers.out.yaml',
      ],
      { resolverFor: () => xref },
    );
    expect(JSON.parse(out).samples[0]).toMatchObject({
      status: 'ok',
      output: { Name: 'Acme', ParentId: 'ACC-1' },
    });

    const asked: string[] = [];
    const lookup: MappingCommandDeps = {
      loadConnectionMapping: async (connection, stream, direction) => {
        asked.push(`${connection} ${stream} ${direction}`);
        return loadDefaultMapping('example', stream, direction);
      },
    };
    await run(['mapping', 'test', 'acme-crm', 'customers', '-s', sample, '-d', 'out'], lookup);
    expect(asked).toEqual(['acme-crm customers out']);
  });

  it('reports load-time errors with the file and field, and exits 2', async () => {
    const broken = await tempFile(
      'broken.in.yaml',
      'connector: x\nstream: y\ndirection: in\nentity: z\nfields:\n  a: { expr: "$uppercase(" }\n',
    );
    const sample = await tempFile('s.json', '{}');
    const { err } = await run(['mapping', 'test', 'x', 'y', '-s', sample, '-f', broken]);
    expect(err).toMatch(/^thub mapping test: .*broken\.in\.yaml: fields\.a\.expr: JSONata S0/);
    expect(process.exitCode).toBe(2);
  });

  it('check: validates mapping files', async () => {
    const { out, err } = await run(['mapping', 'check', 'mappings/example/customers.in.yaml']);
    expect(err).toBe('');
    expect(out).toMatch(
      /customers\.in\.yaml: ok \(customer in v1, 14 fields, 7 fast and 0 JSONata-only expressions\)/,
    );
  });
});
