import { z } from 'zod';
import { isHubError, parseOrThrow } from '../../core/errors/index.ts';
import type { Logger } from '../../core/log/logger.ts';
import type { ErpnextClient, FrappeDoc } from './client.ts';
import { keysetAfter } from './keyset.ts';

/**
 * Frappe keeps a "Deleted Document" row (deleted_doctype, deleted_name, restored) for every
 * document deleted, created at the moment of the delete: the connector reads them as deletes,
 * and those marked restored since as documents to read again.
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

const restorationSchema = z.looseObject({
  name: z.string(),
  creation: z.string(),
  deleted_name: z.string(),
  /** The name the document was restored under (its old one, unless that was taken). */
  new_name: z.string().nullish(),
});

/**
 * Only the System Manager role may read deleted documents: without it, deletes are not read.
 * `quiet` for a second read of the list in the same run, whose refusal was already told.
 */
async function unlessNotPermitted<T>(read: () => Promise<T>, doctype: string, logger: Logger, quiet = false) {
  try {
    return await read();
  } catch (error) {
    if (!isHubError(error) || error.code !== 'erpnext_permission_denied') throw error;
    if (quiet) return undefined;
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

/**
 * Deleted Document rows of `doctype` after `from`, in creation order, a page at a time;
 * `undefined` once when the user may not list them (`quiet`: without the warning).
 */
async function* deletedDocumentPages(
  client: ErpnextClient,
  doctype: string,
  query: {
    fields: string[];
    filters: Array<[string, string, unknown]>;
    from: DeletesPosition;
    quiet?: boolean;
  },
  options: { pageSize: number; logger: Logger },
): AsyncIterable<FrappeDoc[] | undefined> {
  let after = query.from;
  for (;;) {
    const { filters, orFilters } = keysetAfter(
      'creation',
      after ? { value: after.creation, name: after.name } : undefined,
    );
    const rows = await unlessNotPermitted(
      () =>
        client.list(DELETED_DOCUMENT, {
          fields: query.fields,
          filters: [['deleted_doctype', '=', doctype], ...query.filters, ...filters],
          orFilters,
          orderBy: 'creation asc, name asc',
          limitPageLength: options.pageSize,
        }),
      doctype,
      options.logger,
      query.quiet,
    );
    if (!rows || rows.length === 0) {
      if (!rows) yield undefined;
      return;
    }
    yield rows;
    const last = rows.at(-1)!;
    if (rows.length < options.pageSize) return;
    after = { creation: String(last.creation), name: last.name };
  }
}

/** Names of `doctype` documents deleted after `position` (and not restored since), page by page. */
export async function* readDeletions(
  client: ErpnextClient,
  doctype: string,
  position: DeletesPosition,
  options: { pageSize: number; logger: Logger },
): AsyncIterable<{ names: string[]; position: DeletesPosition }> {
  const fields = ['name', 'creation', 'deleted_name', 'restored'];
  for await (const rows of deletedDocumentPages(
    client,
    doctype,
    { fields, filters: [], from: position },
    options,
  )) {
    if (!rows) return;
    const deletions = rows.map((row) =>
      parseOrThrow(deletionSchema, row, { what: `ERPNext Deleted Document ${row.name}` }),
    );
    const last = deletions.at(-1)!;
    const names = deletions.filter((row) => !row.restored).map((row) => row.deleted_name);
    yield {
      names: await notLiveAgain(client, doctype, names),
      position: { creation: last.creation, name: last.name },
    };
  }
}

function parsedJson(text: string, ctx: z.RefinementCtx): unknown {
  try {
    return JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
}

/** What Frappe keeps of a deleted document: the whole document, as JSON text in `data`. */
const deletedDataSchema = z.looseObject({
  deleted_name: z.string(),
  data: z
    .string()
    .transform(parsedJson)
    .pipe(z.looseObject({ amended_from: z.string().nullish() })),
});

/**
 * The documents among the deleted `names` that amended another (deleted name → the name it
 * amended). A name deleted more than once answers with its latest deletion.
 */
export async function amendedFromOfDeleted(
  client: ErpnextClient,
  doctype: string,
  names: string[],
): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await client.list(DELETED_DOCUMENT, {
    fields: ['name', 'deleted_name', 'data'],
    filters: [
      ['deleted_doctype', '=', doctype],
      ['deleted_name', 'in', names],
    ],
    orderBy: 'creation asc, name asc',
    // Frappe reads 0 as no limit.
    limitPageLength: 0,
  });
  const latest = new Map(
    rows.map((row) => {
      const { deleted_name, data } = parseOrThrow(deletedDataSchema, row, {
        what: `ERPNext Deleted Document ${row.name}`,
      });
      return [deleted_name, data.amended_from];
    }),
  );
  return new Map([...latest].flatMap(([name, original]) => (original ? [[name, original] as const] : [])));
}

/** Every restored Deleted Document of `doctype`, page by page; undefined when the user may not list them. */
async function listRestorations(client: ErpnextClient, doctype: string, pageSize: number, logger: Logger) {
  const restorations: Array<z.infer<typeof restorationSchema>> = [];
  const query = {
    fields: ['name', 'creation', 'deleted_name', 'new_name'],
    filters: [['restored', '=', 1] as [string, string, unknown]],
    from: null,
    quiet: true,
  };
  for await (const rows of deletedDocumentPages(client, doctype, query, { pageSize, logger })) {
    if (!rows) return undefined;
    for (const row of rows)
      restorations.push(
        parseOrThrow(restorationSchema, row, { what: `ERPNext Deleted Document ${row.name}` }),
      );
  }
  return restorations;
}

/**
 * Documents restored from the Deleted Document list that the hub was not given yet. Frappe marks
 * the deletion restored without a time, and the document may keep its old `modified`, so neither
 * window reads it again: the restorations already answered (`answered`, Deleted Document names)
 * are what tells a new one. Each page names the documents to read and the restorations answered
 * once it is; those no longer listed (the list was cleared) are forgotten.
 */
export async function* readRestorations(
  client: ErpnextClient,
  doctype: string,
  answered: string[],
  options: { pageSize: number; logger: Logger },
): AsyncIterable<{ names: string[]; answered: string[] }> {
  const restorations = await listRestorations(client, doctype, options.pageSize, options.logger);
  if (!restorations) return;
  const listed = new Set(restorations.map((restoration) => restoration.name));
  let kept = answered.filter((name) => listed.has(name));
  const known = new Set(kept);
  const fresh = restorations.filter((restoration) => !known.has(restoration.name));
  if (fresh.length === 0 && kept.length !== answered.length) yield { names: [], answered: kept };
  for (let at = 0; at < fresh.length; at += options.pageSize) {
    const page = fresh.slice(at, at + options.pageSize);
    kept = [...kept, ...page.map((restoration) => restoration.name)];
    const names = page.map((restoration) => restoration.new_name || restoration.deleted_name);
    yield { names: [...new Set(names)], answered: kept };
  }
}
