import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerMdmCommands } from './mdm.ts';

const fixtures = fileURLToPath(new URL('../../../tests/support/fixtures/mdm/', import.meta.url));

async function runCli(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerMdmCommands(program);
  const output: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'thub', ...args]);
  } finally {
    spy.mockRestore();
  }
  return output.join('');
}

describe('thub mdm', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('evaluates FEBRL linkage and prints one JSON line', async () => {
    const left = join(fixtures, 'febrl-left.csv');
    const right = join(fixtures, 'febrl-right.csv');
    const line = JSON.parse(
      await runCli(['mdm', 'eval', '--format', 'febrl', '--left', left, '--right', right]),
    );
    expect(Object.keys(line)).toEqual(['precision', 'recall', 'f1', 'candidatePairs', 'seconds']);
    expect(line).toMatchObject({ precision: 1, recall: 1, f1: 1 });
  });

  it('evaluates a CSV with a truth column', async () => {
    const out = await runCli(['mdm', 'eval', '--format', 'csv', '--left', join(fixtures, 'companies.csv')]);
    expect(JSON.parse(out).f1).toBe(1);
  });

  it('generates a labelled CSV that eval reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mdm-'));
    try {
      const file = join(dir, 'items.csv');
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      await runCli(['mdm', 'generate', '--kind', 'item', '--count', '200', '--seed', '9', '--out', file]);
      stderr.mockRestore();
      expect((await readFile(file, 'utf8')).split('\n')[0]).toBe('id,truth,sku,name,unit,gtin');
      const line = JSON.parse(
        await runCli(['mdm', 'eval', '--format', 'csv', '--entity', 'item', '--left', file]),
      );
      expect(line.f1).toBeGreaterThan(0.9);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a bad format as an error, not a crash', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await runCli(['mdm', 'eval', '--format', 'xml', '--left', join(fixtures, 'companies.csv')]);
    expect(stderr.mock.calls.join('')).toMatch(/--format must be febrl or csv/);
    stderr.mockRestore();
    expect(process.exitCode).toBe(2);
  });
});
