import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerConnectionMappingCommands } from './mapping-wiring.ts';

// With --file and samples without references, neither the connection nor the xref is read.
vi.mock('../shared-store.ts', () => ({ cliStore: async () => ({ db: {} }), closeCliStore: async () => {} }));

async function mappingTest(file: string, direction: string, sample: unknown) {
  const path = join(await mkdtemp(join(tmpdir(), 'mapping-wiring-')), 'sample.json');
  await writeFile(path, JSON.stringify(sample));
  const out: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((text) => out.push(String(text)) > 0);
  try {
    const program = new Command().exitOverride();
    registerConnectionMappingCommands(program);
    const args = ['mapping', 'test', 'hubspot-1', 'contacts', '-s', path, '-d', direction, '-f', file];
    await program.parseAsync(['node', 'thub', ...args]);
  } finally {
    stdout.mockRestore();
  }
  return JSON.parse(out.join(''));
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('thub mapping test (connection wiring)', () => {
  it('does not check outbound output against the canonical schema', async () => {
    const canonical = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@acme.example' };
    const report = await mappingTest('mappings/hubspot/contacts.out.yaml', 'out', canonical);
    expect(report.samples[0]).toMatchObject({
      status: 'ok',
      output: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@acme.example' },
    });
    expect(process.exitCode).toBeUndefined();
  });

  it('still checks inbound output against the canonical schema', async () => {
    const hubspot = { properties: { lastname: 'Lovelace', email: 'not-an-email' } };
    const report = await mappingTest('mappings/hubspot/contacts.in.yaml', 'in', hubspot);
    expect(report.samples[0].status).toBe('invalid');
    expect(report.samples[0].errors).toEqual([expect.objectContaining({ path: 'email' })]);
    expect(process.exitCode).toBe(1);
  });
});
