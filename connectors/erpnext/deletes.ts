import { z } from 'zod';
import { isHubError, parseOrThrow } from '../../core/errors/index.ts';
import type { Logger } from '../../core/log/logger.ts';
import type { ErpnextClient } from './client.ts';
import { keysetAfter } from './keyset.ts';

/**
 * Frappe keeps a "Deleted Document" row (deleted_doctype, deleted_name, restored) for every
 * document deleted, created at the moment of the delete: the connector reads them as deletes.
 * @see https://docs.frappe.io/erpnext/user/manual/en/restore-deleted-documents
 */
const DELETED_DOCUMENT = 'Deleted Document';

/** The last deletion read, keyset on (creation, name); null: none read yet, start at the first. */
export const deletesPositionSchema = z.strictObject({ creation: z.string(), name: z.string() }).nullable();
export type DeletesPosition = z.infer<typeof deletesPositionSchema>;

const deletionSchema = z.looseObject({
  name: z.string(),
  creation: z.string(),
  deleted_name: z.string(),
  restored: z.union([z.number(), z.boolean()]).optional(),
});

/** Only the System Manager role may read deleted documents: without it, deletes are not read. */
async function unlessNotPermitted<T>(read: () => Promise<T>, doctype: string, logger: Logger) {
  try {
    return await read();
  } catch (error) {
    if (!isHubError(error) || error.code !== 'erpnext_permission_denied') throw error;
    logger.warn(
      `ERPNext refused to list Deleted Document: ${doctype} documents deleted in ERPNext stay in the hub until the integration user may read them (System Manager role)`,
    );
    return undefined;
  }
}

/**
 * A first read sees only live documents, so the deletes window starts after the newest deletion
 * made before it; found before the documents are read, so that one deleted meanwhile is not missed.
 */
export async function newestDeletion(
  client: ErpnextClient,
  doctype: string,
  logger: Logger,
): Promise<DeletesPosition> {
  const rows = await unlessNotPermitted(
    () =>
      client.list(DELETED_DOCUMENT, {
        fields: ['name', 'creation'],
        filters: [['deleted_doctype', '=', doctype]],
        orderBy: 'creation desc, name desc',
        limitPageLength: 1,
      }),
    doctype,
    logger,
  );
  const newest = rows?.[0];
  return newest ? { creation: String(newest.creation), name: newest.name } : null;
}

/**
 * A deleted name may be live again: restored, or a new document under the same name (a customer
 * named after itself). The documents read before the deletions already carry it: not a delete.
 */
async function notLiveAgain(client: ErpnextClient, doctype: string, names: string[]): Promise<string[]> {
  if (names.length === 0) return names;
  const live = await client.list(doctype, {
    fields: ['name'],
    filters: [['name', 'in', names]],
    limitPageLength: names.length,
  });
  const again = new Set(live.map((row) => row.name));
  return names.filter((name) => !again.has(name));
}

/** Names of `doctype` documents deleted after `position` (and not restored since), page by page. */
export async function* readDeletions(
  client: ErpnextClient,
  doctype: string,
  position: DeletesPosition,
  options: { pageSize: number; logger: Logger },
): AsyncIterable<{ names: string[]; position: DeletesPosition }> {
  let after = position;
  for (;;) {
    const { filters, orFilters } = keysetAfter(
      'creation',
      after ? { value: after.creation, name: after.name } : undefined,
    );
    const rows = await unlessNotPermitted(
      () =>
        client.list(DELETED_DOCUMENT, {
          fields: ['name', 'creation', 'deleted_name', 'restored'],
          filters: [['deleted_doctype', '=', doctype], ...filters],
          orFilters,
          orderBy: 'creation asc, name asc',
          limitPageLength: options.pageSize,
        }),
      doctype,
      options.logger,
    );
    if (!rows || rows.length === 0) return;
    const deletions = rows.map((row) =>
      parseOrThrow(deletionSchema, row, { what: `ERPNext Deleted Document ${row.name}` }),
    );
    const last = deletions.at(-1)!;
    after = { creation: last.creation, name: last.name };
    const names = deletions.filter((row) => !row.restored).map((row) => row.deleted_name);
    yield { names: await notLiveAgain(client, doctype, names), position: after };
    if (rows.length < options.pageSize) return;
  }
}
