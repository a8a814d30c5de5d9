import { z } from 'zod';
import type { ConnectorContext, Cursor, ReadPage } from '../../../core/connector/types.ts';
import { HubError, isHubError, parseOrThrow } from '../../../core/errors/index.ts';
import type { SalesforceClient } from '../client.ts';
import type { SalesforceConfig } from '../config.ts';
import type { SObjectStream } from '../streams/sobject-stream.ts';
import { createQueryJob, readQueryResults } from './bulk-query.ts';
import { countRecords, inlineChildren, queryPages } from './query.ts';
import { countAll, selectChanged, selectDeleted, selectForBulk } from './soql.ts';
import { admitRecords, type Stamped } from './window.ts';

const windowSchema = z.object({ since: z.string(), seen: z.array(z.string()) });

/** Changed-records window, deleted-records window, and the bulk job of an initial load in progress. */
const cursorSchema = z.object({
  records: windowSchema.nullable(),
  deletes: windowSchema,
  bulk: z.object({ jobId: z.string(), locator: z.string().nullable() }).nullable(),
});

type ReadCursor = z.output<typeof cursorSchema>;

function stampOf(record: Record<string, unknown>): Stamped {
  const { Id: id, SystemModstamp: modstamp } = record;
  if (typeof id !== 'string' || typeof modstamp !== 'string') {
    throw new HubError(
      'invalid_data',
      'missing_system_fields',
      `Salesforce record ${String(id)} has no Id or SystemModstamp`,
      {
        fieldPath: typeof id === 'string' ? 'SystemModstamp' : 'Id',
      },
    );
  }
  return { id, modstamp };
}

async function needsBulkLoad(
  client: SalesforceClient,
  config: SalesforceConfig,
  stream: SObjectStream,
): Promise<boolean> {
  if (stream.children.length > 0) return false;
  const total = await countRecords(client, countAll(stream), `Count ${stream.sobject}`);
  return total > config.bulkReadThreshold;
}

/** A job that failed, was aborted or is gone (its results expire) can only be replaced. */
function isLostBulkJob(error: unknown): error is HubError {
  return isHubError(error) && (error.code === 'bulk_job_failed' || error.code === 'not_found');
}

/**
 * Bulk results come in no order (ORDER BY would turn PK chunking off), so the window of a load
 * cut short bounds nothing: the new job loads everything again, and the window drops what it can.
 */
async function startBulkLoad(
  client: SalesforceClient,
  stream: SObjectStream,
  cursor: ReadCursor,
): Promise<ReadCursor> {
  const jobId = await createQueryJob(client, selectForBulk(stream), `Bulk load ${stream.sobject}`);
  return { ...cursor, bulk: { jobId, locator: null } };
}

async function* readBulkLoad(
  ctx: ConnectorContext<SalesforceConfig>,
  client: SalesforceClient,
  stream: SObjectStream,
  start: ReadCursor,
): AsyncGenerator<ReadPage, ReadCursor> {
  let cursor = start;
  if (!cursor.bulk) return cursor;
  const { jobId, locator } = cursor.bulk;
  const overlapMs = ctx.config.overlapSeconds * 1000;
  const what = `Bulk load ${stream.sobject}`;
  for await (const chunk of readQueryResults(client, ctx.config, jobId, locator ?? undefined, what)) {
    const admitted = admitRecords(cursor.records ?? undefined, chunk.records, stampOf, overlapMs);
    cursor = {
      ...cursor,
      records: admitted.window ?? null,
      bulk: chunk.next ? { jobId, locator: chunk.next } : null,
    };
    yield { records: admitted.fresh, cursor };
  }
  return cursor;
}

/**
 * Query locators (nextRecordsUrl, also of paged child lists) expire when idle and may be released
 * by Salesforce, which then answers INVALID_QUERY_LOCATOR. Each page's cursor is committed with it,
 * so `pass` runs once more from the window it reached; a second loss is left to the queue to retry.
 */
async function* onceMoreIfLocatorLost(
  ctx: ConnectorContext<SalesforceConfig>,
  stream: SObjectStream,
  pass: () => AsyncGenerator<ReadPage>,
): AsyncGenerator<ReadPage> {
  try {
    yield* pass();
  } catch (error) {
    if (!isHubError(error) || error.code !== 'invalid_query_locator') throw error;
    ctx.logger.warn('salesforce query locator lost, querying again from the window', {
      stream: stream.spec.name,
    });
    yield* pass();
  }
}

/**
 * One read of a stream: a Bulk API 2.0 load first when an initial load is large, then every
 * record changed since the window, then the deletions since the deletes window.
 */
export async function* readSObjectStream(
  ctx: ConnectorContext<SalesforceConfig>,
  client: SalesforceClient,
  stream: SObjectStream,
  raw: Cursor | undefined,
): AsyncGenerator<ReadPage> {
  const overlapMs = ctx.config.overlapSeconds * 1000;
  const what = `Read ${stream.sobject}`;
  const initial = raw === undefined || raw === null;
  let cursor: ReadCursor = initial
    ? { records: null, deletes: { since: new Date().toISOString(), seen: [] }, bulk: null }
    : parseOrThrow(cursorSchema, raw, { what: `salesforce ${stream.spec.name} cursor` });

  if (initial && (await needsBulkLoad(client, ctx.config, stream))) {
    cursor = await startBulkLoad(client, stream, cursor);
    // The job id is committed before the wait, so a retry picks the same job up again.
    yield { records: [], cursor };
  }

  if (cursor.bulk) {
    try {
      cursor = yield* readBulkLoad(ctx, client, stream, cursor);
    } catch (error) {
      if (!isLostBulkJob(error)) throw error;
      ctx.logger.warn('salesforce bulk query job lost, starting a new one', {
        stream: stream.spec.name,
        jobId: cursor.bulk?.jobId,
        code: error.code,
      });
      cursor = await startBulkLoad(client, stream, cursor);
      yield { records: [], cursor };
      cursor = yield* readBulkLoad(ctx, client, stream, cursor);
    }
  }

  const changed = async function* (): AsyncGenerator<ReadPage> {
    const soql = selectChanged(stream, cursor.records ?? undefined, overlapMs);
    for await (const page of queryPages(client, soql, { what })) {
      const records = await inlineChildren(client, stream, page.records);
      const admitted = admitRecords(cursor.records ?? undefined, records, stampOf, overlapMs);
      cursor = { ...cursor, records: admitted.window ?? null };
      yield { records: admitted.fresh, cursor };
    }
  };
  yield* onceMoreIfLocatorLost(ctx, stream, changed);

  const deleted = async function* (): AsyncGenerator<ReadPage> {
    const soql = selectDeleted(stream, cursor.deletes, overlapMs);
    for await (const page of queryPages(client, soql, {
      all: true,
      what: `Read deleted ${stream.sobject}`,
    })) {
      const admitted = admitRecords(cursor.deletes, page.records, stampOf, overlapMs);
      cursor = { ...cursor, deletes: admitted.window ?? cursor.deletes };
      yield { records: [], deleted: admitted.fresh.map((record) => stampOf(record).id), cursor };
    }
  };
  yield* onceMoreIfLocatorLost(ctx, stream, deleted);
}
