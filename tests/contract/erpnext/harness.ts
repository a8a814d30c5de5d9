import { readFileSync } from 'node:fs';
import nock from 'nock';
import { erpnextConfigSchema } from '../../../connectors/erpnext/config.ts';
import { erpnextConnector } from '../../../connectors/erpnext/index.ts';
import type { ReadPage } from '../../../core/connector/index.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import { logger } from '../../../core/log/index.ts';

export const site = 'https://erp.example.com';
const fixtures = new URL('../../../connectors/erpnext/__fixtures__/', import.meta.url);

export function fixture(name: string): nock.Body {
  return JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8')) as nock.Body;
}

export type FrappeTestDoc = Record<string, unknown> & { name: string };

/** The document of a fixture shaped as Frappe's answer to a get. */
export const docOf = (name: string) => (fixture(name) as { data: FrappeTestDoc }).data;

/** A list row: Frappe lists the parent's fields, never its child tables. */
export const rowOf = ({ items: _items, ...row }: FrappeTestDoc) => row;

/** Every call must carry the token header in Frappe's "token key:secret" form. */
export function api(secret = 'api-secret') {
  return nock(site, { reqheaders: { authorization: `token api-key:${secret}` } });
}

export function erpnextContext(overrides: Record<string, unknown> = {}) {
  const config = erpnextConfigSchema.parse({
    url: site,
    apiKey: 'api-key',
    apiSecret: 'api-secret',
    ...overrides,
  });
  // Skips the SSRF guard's DNS lookup, which tests cannot make; the guard has its own tests.
  return {
    connectionId: 'erpnext-test',
    config,
    logger,
    state: createMemoryState(),
    allowPrivateNetwork: true,
  };
}

export async function readAll(
  ctx: ReturnType<typeof erpnextContext>,
  stream: string,
  cursor?: ReadPage['cursor'],
) {
  const pages: ReadPage[] = [];
  for await (const page of erpnextConnector.read(ctx, stream, cursor)) pages.push(page);
  return pages;
}

/** The list query Frappe receives: JSON values as query parameters. */
export function listQuery(params: {
  fields: string[];
  filters?: unknown[];
  orFilters?: unknown[];
  orderBy?: string;
  limit: number;
}) {
  return {
    fields: JSON.stringify(params.fields),
    limit_page_length: String(params.limit),
    ...(params.filters ? { filters: JSON.stringify(params.filters) } : {}),
    ...(params.orFilters ? { or_filters: JSON.stringify(params.orFilters) } : {}),
    ...(params.orderBy ? { order_by: params.orderBy } : {}),
  };
}

/** The documents changed after `after` (keyset on modified, name), from the first when undefined. */
export function changedQuery(after?: { modified?: unknown; name: string }, limit = 100) {
  const at = after && String(after.modified);
  return listQuery({
    fields: ['*'],
    ...(after
      ? {
          filters: [['modified', '>=', at]],
          orFilters: [
            ['modified', '>', at],
            ['name', '>', after.name],
          ],
        }
      : {}),
    orderBy: 'modified asc, name asc',
    limit,
  });
}

/** The look for the documents that amend the cancelled ones `names` (Frappe reads limit 0 as none). */
export function amendmentsQuery(names: string[]) {
  return listQuery({ fields: ['name', 'amended_from'], filters: [['amended_from', 'in', names]], limit: 0 });
}

export const deletedPath = '/api/resource/Deleted%20Document';

/** The first read's look for the newest deletion of `doctype`, before it reads the documents. */
export function newestDeletionQuery(doctype: string) {
  return listQuery({
    fields: ['name', 'creation'],
    filters: [['deleted_doctype', '=', doctype]],
    orderBy: 'creation desc, name desc',
    limit: 1,
  });
}

/** The deletes window after `after` (from the first deletion when null). */
export function deletionsQuery(
  doctype: string,
  after: { creation: string; name: string } | null,
  limit = 100,
) {
  return listQuery({
    fields: ['name', 'creation', 'deleted_name', 'restored'],
    filters: [['deleted_doctype', '=', doctype], ...(after ? [['creation', '>=', after.creation]] : [])],
    ...(after
      ? {
          orFilters: [
            ['creation', '>', after.creation],
            ['name', '>', after.name],
          ],
        }
      : {}),
    orderBy: 'creation asc, name asc',
    limit,
  });
}

/** The restored Deleted Documents of `doctype`, listed whole on every read, page after page. */
export function restoredQuery(
  doctype: string,
  after: { creation: string; name: string } | null = null,
  limit = 100,
) {
  return listQuery({
    fields: ['name', 'creation', 'deleted_name', 'new_name'],
    filters: [
      ['deleted_doctype', '=', doctype],
      ['restored', '=', 1],
      ...(after ? [['creation', '>=', after.creation]] : []),
    ],
    ...(after
      ? {
          orFilters: [
            ['creation', '>', after.creation],
            ['name', '>', after.name],
          ],
        }
      : {}),
    orderBy: 'creation asc, name asc',
    limit,
  });
}
