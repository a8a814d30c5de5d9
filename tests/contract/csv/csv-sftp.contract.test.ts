import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CsvConfig, csvConfigSchema } from '../../../connectors/csv/config.ts';
import { createCsvConnector, isCsvRowError } from '../../../connectors/csv/index.ts';
import { createCsvRuntime } from '../../../connectors/csv/runtime.ts';
import type { ReadPage } from '../../../core/connector/types.ts';
import { FakeSftp } from './fake-sftp.ts';
import { makeContext, supplierStream } from './harness.ts';

const hostKey = Buffer.from('ssh-ed25519 fake host key');
const hostKeySha256 = createHash('sha256').update(hostKey).digest('base64');

function sftpConfig(overrides: Record<string, unknown> = {}): CsvConfig {
  return csvConfigSchema.parse({
    source: {
      type: 'sftp',
      host: 'files.supplier.example',
      username: 'hub',
      password: 'secret',
      path: '/outbound',
      hostKeySha256,
    },
    completion: { mode: 'stable', stableForMs: 0 },
    streams: [
      supplierStream,
      {
        name: 'po_export',
        entity: 'purchase_order',
        direction: 'export',
        folder: 'inbound',
        filePrefix: 'po',
        columns: { PO: 'number' },
      },
    ],
    ...overrides,
  });
}

function connectorOn(server: FakeSftp) {
  return createCsvConnector(
    createCsvRuntime({ sleep: async () => {}, createSftpClient: async () => server }),
  );
}

describe('CSV over SFTP (against a fake of the ssh2-sftp-client API)', () => {
  it('reads complete files over SFTP, checks the host key and renames them into processed/', async () => {
    const server = new FakeSftp();
    server.addFile('/outbound/suppliers.csv', 'Code,Name,Lead time,Email\nS-1,Acme,14,\nS-2,,3,\n');
    const pages: ReadPage[] = [];
    for await (const page of connectorOn(server).read(makeContext(sftpConfig()), 'suppliers'))
      pages.push(page);
    const cursor = pages[0].cursor;
    for await (const page of connectorOn(server).read(makeContext(sftpConfig()), 'suppliers', cursor))
      pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0].records[0]).toEqual({ code: 'S-1', name: 'Acme', leadTimeDays: 14 });
    expect(isCsvRowError(pages[0].records[1])).toBe(true);
    expect([...server.files.keys()]).toEqual(['/outbound/processed/suppliers.csv']);
    expect(server.connectOptions).toMatchObject({
      host: 'files.supplier.example',
      port: 22,
      username: 'hub',
    });
    const verify = server.connectOptions?.hostVerifier as (key: Buffer) => boolean;
    expect(verify(hostKey)).toBe(true);
    expect(verify(Buffer.from('another key'))).toBe(false);
    expect(server.ended).toBe(true);
  });

  it('writes export files through a temporary name and a posix rename', async () => {
    const server = new FakeSftp();
    const ops = [
      { idempotencyKey: 'k-1', action: 'upsert' as const, canonicalId: 'c-1', record: { number: 'PO-1' } },
    ];
    const [result] = await connectorOn(server).write(makeContext(sftpConfig()), 'po_export', ops);
    expect(result.ok).toBe(true);
    const [path] = [...server.files.keys()];
    expect(path).toMatch(/^\/outbound\/inbound\/po_\d{8}T\d{6}Z_[0-9a-f]{16}\.csv$/);
    expect(server.files.get(path)?.data.toString()).toBe('PO\r\nPO-1\r\n');
    const writes = server.calls.filter((call) => /^(put|posixRename)/.test(call));
    expect(writes).toEqual([
      expect.stringMatching(/^put \/outbound\/inbound\/\.po_.*\.tmp$/),
      expect.stringMatching(
        /^posixRename \/outbound\/inbound\/\.po_.*\.tmp \/outbound\/inbound\/po_.*\.csv$/,
      ),
    ]);
  });

  it('reports a refused login in plain words from check()', async () => {
    const server = new FakeSftp('other-password');
    const result = await connectorOn(server).check(makeContext(sftpConfig()));
    expect(result).toEqual({
      ok: false,
      checks: [
        {
          name: 'source',
          ok: false,
          message:
            'cannot open the sftp: SFTP files.supplier.example: the server refused the user name or key',
        },
      ],
    });
  });

  it('check() lists waiting files and proves the export folder is writable', async () => {
    const server = new FakeSftp();
    server.addFile('/outbound/suppliers_1.csv', 'Code,Name,Lead time,Email\n');
    const result = await connectorOn(server).check(makeContext(sftpConfig()));
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => check.message)).toEqual([
      'sftp://files.supplier.example:22/outbound is reachable',
      '1 file(s) matching suppliers*.csv waiting in .',
      'export files can be written to inbound',
    ]);
    expect([...server.files.keys()]).toEqual(['/outbound/suppliers_1.csv']);
  });

  it('requires a password or a key for SFTP', () => {
    const result = csvConfigSchema.safeParse({
      source: { type: 'sftp', host: 'h', username: 'u', path: '/' },
      streams: [supplierStream],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['source', 'password'],
      message: 'give a password or a private key',
    });
  });
});
