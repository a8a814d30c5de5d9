import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';
import { type RestConfig, restConfigSchema } from '../../../connectors/rest/config.ts';
import { rest } from '../../../connectors/rest/index.ts';
import { type ConnectionState, createMemoryState } from '../../../core/connector/index.ts';
import type { Cursor, ReadPage } from '../../../core/connector/types.ts';
import { logger } from '../../../core/log/index.ts';

export const api = 'https://api.supplier.example';

const fixtures = new URL('../../../connectors/rest/__fixtures__/', import.meta.url);

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8')) as T;
}

export const suppliersStream = {
  name: 'suppliers',
  entity: 'supplier',
  path: '/v1/suppliers',
  recordPath: 'data',
  pageSize: 2,
};

export function makeConfig(overrides: Record<string, unknown> = {}): RestConfig {
  return restConfigSchema.parse({
    baseUrl: api,
    auth: { type: 'bearer', token: 'portal-token' },
    streams: [suppliersStream],
    ...overrides,
  });
}

export function makeContext(
  config: RestConfig,
  state: ConnectionState = createMemoryState(),
  allowPrivateNetwork = false,
) {
  return { connectionId: 'rest-1', config, logger, state, allowPrivateNetwork };
}

export async function readAll(
  config: RestConfig,
  stream: string,
  options: { cursor?: Cursor; state?: ConnectionState; allowPrivateNetwork?: boolean } = {},
): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  const ctx = makeContext(config, options.state, options.allowPrivateNetwork);
  for await (const page of rest.read(ctx, stream, options.cursor)) pages.push(page);
  return pages;
}

export const ids = (pages: ReadPage[]) =>
  pages.map((page) => page.records.map((record) => (record as { id: string }).id));

/** No real network in a contract test; every interceptor is dropped after it. */
export function useNock(): void {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
