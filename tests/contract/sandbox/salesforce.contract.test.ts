import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforceConfigSchema } from '../../../connectors/salesforce/config.ts';
import { salesforce } from '../../../connectors/salesforce/index.ts';
import {
  type SalesforceSandbox,
  startSalesforceSandbox,
} from '../../../connectors/sandbox/salesforce/server.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import type { ReadPage, WriteOp } from '../../../core/connector/types.ts';
import { isHubError } from '../../../core/errors/index.ts';
import { logger } from '../../../core/log/index.ts';
import { readPages } from './harness.ts';

const credentials = { clientId: 'demo-app', refreshToken: 'demo-refresh' };
let sandbox: SalesforceSandbox;

function context(overrides: Record<string, unknown> = {}) {
  const config = salesforceConfigSchema.parse({
    loginUrl: sandbox.url,
    auth: { type: 'refresh_token', ...credentials },
    pushBack: { promiseDate: 'Promise_Date__c' },
    ...overrides,
  });
  return {
    connectionId: 'sf-sandbox',
    config,
    logger,
    state: createMemoryState(),
    allowPrivateNetwork: true,
  };
}

const readAll = (ctx: ReturnType<typeof context>, stream: string, cursor?: ReadPage['cursor']) =>
  readPages(salesforce, ctx, stream, cursor);

const idsOf = (pages: ReadPage[]) =>
  pages.flatMap((page) => page.records.map((record) => (record as { Id: string }).Id));

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ ...credentials, pageSize: 2 });
  for (const name of ['Acme', 'Borg', 'Cyan', 'Delta', 'Echo'])
    sandbox.org.insert('Account', { Name: `${name} Machining`, Phone: '+86 21 5555 0100' });
});
afterAll(() => sandbox.close());

describe('the Salesforce connector against the Salesforce sandbox', () => {
  it('signs in with the refresh token and passes its own check', async () => {
    const pushBack = {
      promiseDate: 'Promise_Date__c',
      bufferStatus: 'Buffer_Status__c',
      throughputPerConstraintMinute: 'Throughput_per_Constraint_Minute__c',
    };
    const result = await salesforce.check(context({ pushBack }));
    expect(result.checks.filter((check) => !check.ok)).toEqual([]);
    expect(result.checks.find((check) => check.name === 'stream:opportunities')?.message).toBe(
      'Opportunity can be read and upserted on Hub_Id__c; Promise_Date__c, Buffer_Status__c, Throughput_per_Constraint_Minute__c take the TOC results',
    );
    expect(result.checks.map((check) => check.name)).toContain('api_usage');
  });

  it('reads every account over nextRecordsUrl pages, then only what changed or was deleted', async () => {
    const ctx = context();
    const first = await readAll(ctx, 'accounts');
    expect(idsOf(first)).toHaveLength(5);
    expect(first.filter((page) => page.records.length > 0).length).toBeGreaterThanOrEqual(3);
    const [changed, deleted] = sandbox.org.rows('Account', false).slice(1, 3);
    sandbox.org.update('Account', changed!.Id, { Phone: '+86 21 5555 0199' });
    sandbox.org.remove(deleted!.Id);
    const next = await readAll(ctx, 'accounts', first.at(-1)!.cursor);
    expect(idsOf(next)).toEqual([changed!.Id]);
    expect(next.flatMap((page) => page.deleted ?? [])).toEqual([deleted!.Id]);
  });

  it('upserts on Hub_Id__c: a retry updates the record it created, and TOC results land in the push-back field', async () => {
    const ctx = context();
    const account = sandbox.org.rows('Account', false)[0]!;
    const op = (key: string): WriteOp => ({
      idempotencyKey: key,
      action: 'upsert',
      canonicalId: '6f1c1f3e-0000-4000-8000-000000000001',
      record: {
        Name: 'Brake discs 2025',
        AccountId: account.Id,
        StageName: 'Closed Won',
        CloseDate: '2025-03-01',
        toc: { promiseDate: '2025-03-20' },
      },
    });
    const [created] = await salesforce.write(ctx, 'opportunities', [op('k1')]);
    const [again] = await salesforce.write(ctx, 'opportunities', [op('k2')]);
    expect(created).toMatchObject({ ok: true, created: true });
    expect(again).toMatchObject({
      ok: true,
      created: false,
      externalId: created!.ok ? created!.externalId : '',
    });
    const [stored] = sandbox.org.findBy('Opportunity', 'Hub_Id__c', '6f1c1f3e-0000-4000-8000-000000000001');
    expect(stored).toMatchObject({ Promise_Date__c: '2025-03-20', IsWon: true });
  });

  it('reports record errors, unknown fields, expired sessions and the daily limit in Salesforce shape', async () => {
    const ctx = context();
    const [missing] = await salesforce.write(ctx, 'accounts', [
      { idempotencyKey: 'm', action: 'upsert', canonicalId: 'c-1', record: { Phone: '1' } },
    ]);
    expect(missing).toMatchObject({
      ok: false,
      error: { kind: 'invalid_data', code: 'required_field_missing', fieldPath: 'Name' },
    });
    const unknown = await salesforce
      .write(ctx, 'accounts', [
        {
          idempotencyKey: 'u',
          action: 'upsert',
          canonicalId: 'c-2',
          record: { Name: 'X', Colour__c: 'red' },
        },
      ])
      .catch((error: unknown) => error);
    expect(isHubError(unknown) && unknown.code).toBe('invalid_field');
    sandbox.expireSessions();
    expect(idsOf(await readAll(ctx, 'contacts'))).toEqual([]);
    sandbox.setApiUsage(15_000);
    const limited = await readAll(ctx, 'accounts').catch((error: unknown) => error);
    expect(isHubError(limited) && limited.kind).toBe('rate_limited');
    sandbox.setApiUsage(0);
  });
});
