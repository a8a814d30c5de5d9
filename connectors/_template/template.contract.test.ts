import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryState } from '../../core/connector/index.ts';
import type { ReadPage } from '../../core/connector/types.ts';
import { logger } from '../../core/log/index.ts';
import { templateConfigSchema } from './config.ts';
import { templateConnector } from './index.ts';

const api = 'https://api.vendor.example';
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`__fixtures__/${name}.json`, import.meta.url), 'utf8'));
const config = templateConfigSchema.parse({ apiKey: 'key-1', pageSize: 2 });
// The host is fictional and nock answers every call, so the private-network check is switched off.
const ctx = { connectionId: 't-1', config, logger, state: createMemoryState(), allowPrivateNetwork: true };
const vendor = () => nock(api).matchHeader('authorization', 'Bearer key-1');

describe('template connector (the pattern every contract test follows)', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('reads every page with the incremental filter and moves the cursor after the last one', async () => {
    vendor()
      .get('/v1/items')
      .query({ limit: '2', updated_since: '2025-01-01T00:00:00Z' })
      .reply(200, fixture('items-page-1'));
    vendor()
      .get('/v1/items')
      .query({ limit: '2', updated_since: '2025-01-01T00:00:00Z', page_token: 'p2' })
      .reply(200, fixture('items-page-2'));
    const pages: ReadPage[] = [];
    for await (const page of templateConnector.read(ctx, 'items', '2025-01-01T00:00:00Z')) pages.push(page);
    expect(pages.map((page) => page.records.length)).toEqual([2, 1]);
    expect(pages.map((page) => page.cursor)).toEqual(['2025-01-01T00:00:00Z', '2025-01-12T08:00:00Z']);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('writes each op with its idempotency key; a rejected record fails alone with its field', async () => {
    vendor()
      .post('/v1/items', { sku: 'BR 1' })
      .matchHeader('idempotency-key', 'k-1')
      .reply(422, fixture('error-validation'));
    vendor()
      .put('/v1/items/it_2', { sku: 'BR-200' })
      .matchHeader('idempotency-key', 'k-2')
      .reply(200, { id: 'it_2' });
    const results = await templateConnector.write(ctx, 'items', [
      { idempotencyKey: 'k-1', action: 'upsert', canonicalId: 'c-1', record: { sku: 'BR 1' } },
      {
        idempotencyKey: 'k-2',
        action: 'upsert',
        canonicalId: 'c-2',
        externalId: 'it_2',
        record: { sku: 'BR-200' },
      },
    ]);
    expect(results).toEqual([
      {
        ok: false,
        idempotencyKey: 'k-1',
        error: {
          kind: 'invalid_data',
          code: 'invalid_sku',
          message: 'POST /v1/items: sku must not contain spaces',
          fieldPath: 'sku',
        },
      },
      { ok: true, idempotencyKey: 'k-2', externalId: 'it_2', created: false },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
