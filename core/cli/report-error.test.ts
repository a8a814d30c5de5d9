import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { HubError } from '../errors/index.ts';
import { registerConnectionCommands } from './commands/connections.ts';
import { registerFlowCommands } from './commands/flows.ts';
import { registerUserCommands } from './commands/users.ts';
import { exitCodeOf, messageOf } from './report-error.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'thub-cli-errors-'));

/** Runs `thub <args>` in this process on an embedded hub of its own; what it printed and its exit code. */
async function thub(...args: string[]) {
  const printed = { stdout: '', stderr: '' };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.stdout += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    printed.stderr += String(chunk);
    return true;
  });
  try {
    const program = new Command().exitOverride();
    registerConnectionCommands(program);
    registerUserCommands(program);
    registerFlowCommands(program);
    await program.parseAsync(['node', 'thub', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = process.exitCode;
  process.exitCode = undefined;
  return { ...printed, code };
}

describe('CLI errors in plain words', () => {
  beforeAll(() => {
    vi.stubEnv('HUB_DATA_DIR', dataDir);
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('REDIS_URL', '');
    vi.stubEnv('LOG_LEVEL', 'error');
  });
  afterEach(() => {
    process.exitCode = undefined;
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [
      ['connections', 'check', 'no-such-connection'],
      'thub connections check: No connection "no-such-connection"',
    ],
    [
      ['users', 'create', '--email', 'a@example.com', '--role', 'superuser', '--password', 'long enough 123'],
      'thub users create: --role must be one of viewer, operator, admin, not "superuser"',
    ],
    [
      ['users', 'create', '--email', 'b@example.com'],
      'thub users create: Give --password or set THUB_PASSWORD',
    ],
    [['flows', 'replay', 'abc'], 'thub flows replay: No flow run abc'],
  ])('thub %j prints one line and exits 2', async (args, line) => {
    vi.stubEnv('THUB_PASSWORD', '');
    const { stderr, code } = await thub(...args);
    expect(stderr).toBe(`${line}\n`);
    expect(code).toBe(2);
  });

  it('refuses a second user with the same email in plain words', async () => {
    const args = ['users', 'create', '--email', 'same@example.com', '--password', 'long enough 123'];
    expect(await thub(...args)).toMatchObject({ code: undefined, stderr: '' });
    const again = await thub(...args);
    expect(again.stderr).toBe('thub users create: A user with email same@example.com already exists\n');
    expect(again.code).toBe(2);
  });
});

describe('messageOf and exitCodeOf', () => {
  it('say what a refused request was in one line, with exit code 2', () => {
    const zod = z.object({ role: z.enum(['viewer']) }).safeParse({ role: 'x' }).error!;
    expect(messageOf(zod)).toMatch(/^role: /);
    expect(exitCodeOf(zod)).toBe(2);
    expect(exitCodeOf(new HubError('conflict', 'user_exists', 'taken'))).toBe(2);
  });

  it('keep exit code 1 for an internal error', () => {
    expect(exitCodeOf(new Error('boom'))).toBe(1);
    expect(exitCodeOf(new HubError('system', 'internal_error', 'boom'))).toBe(1);
    expect(messageOf('plain')).toBe('plain');
  });
});
