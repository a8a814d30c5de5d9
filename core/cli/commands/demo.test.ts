import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';

const start = vi.hoisted(() => ({ result: undefined as unknown, error: undefined as Error | undefined }));
vi.mock('../../../demo/start-demo.ts', () => ({
  startDemo: async () => {
    if (start.error) throw start.error;
    return start.result;
  },
}));

function runningDemo(initialSync: Array<{ stream: string; status: string; error?: string }>) {
  return {
    url: 'http://localhost:3999',
    hub: { mode: 'embedded', store: { db: { driver: 'pglite' } }, queue: { driver: 'memory' } },
    sandboxes: {
      salesforce: { url: 'http://127.0.0.1:1' },
      odoo: { url: 'http://127.0.0.1:2' },
      portal: { url: 'http://127.0.0.1:3' },
      drop: { folder: '/tmp/drop' },
    },
    admin: { email: 'admin@demo', password: 'pw', token: 'thub_x', tokenFile: '/tmp/demo-token' },
    initialSync: initialSync.map((run) => ({ ...run, counts: { read: 0 } })),
    stop: async () => {},
  };
}

async function thubDemo() {
  const printed = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    printed.stderr += String(chunk);
    return true;
  });
  const { registerDemoCommand } = await import('./demo.ts');
  const program = new Command();
  registerDemoCommand(program);
  await program.parseAsync(['node', 'thub', 'demo', '--quiet']);
  vi.restoreAllMocks();
  return { ...printed, code: process.exitCode };
}

describe('thub demo', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.exitCode = undefined;
    start.error = undefined;
  });

  it('names every stream whose initial sync did not succeed, with its error, and does not say all green', async () => {
    start.result = runningDemo([
      { stream: 'demo-salesforce/accounts', status: 'succeeded' },
      { stream: 'demo-odoo/customers', status: 'failed', error: 'Odoo sign-in refused: wrong API key' },
      { stream: 'demo-portal/suppliers', status: 'partial' },
    ]);
    const { stdout, stderr, code } = await thubDemo();
    expect(stderr).toContain('The initial sync of 2 of 3 streams did not succeed');
    expect(stderr).toContain('demo-odoo/customers: failed: Odoo sign-in refused: wrong API key');
    expect(stderr).toContain('demo-portal/suppliers: partial');
    expect(stderr).not.toContain('demo-salesforce/accounts');
    expect(stdout).not.toContain('all green');
    expect(stdout).toContain('2 stream(s) did not sync');
    expect(code).toBeUndefined();
  });

  it('says all green when every stream synced', async () => {
    start.result = runningDemo([{ stream: 'demo-salesforce/accounts', status: 'succeeded' }]);
    const { stdout, stderr } = await thubDemo();
    expect(stdout).toContain('all green, with live runs');
    expect(stderr).not.toContain('did not succeed');
  });

  it('says in one line why the demo could not start, and exits non-zero', async () => {
    start.error = Object.assign(new Error('listen EADDRINUSE: address already in use :::3000'), {
      code: 'EADDRINUSE',
    });
    const { stderr, code } = await thubDemo();
    expect(stderr).toContain('thub demo: listen EADDRINUSE: address already in use :::3000\n');
    expect(code).toBe(1);
  });
});
