import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RunningSandbox, sendJson, startHttpServer } from '../http.ts';

export type PortalRecord = Record<string, unknown> & { id: string; updated_at: string };

export const portalResources = ['suppliers', 'purchase-orders', 'receipts', 'stock-levels'] as const;
export type PortalResource = (typeof portalResources)[number];

export interface SupplierPortalOptions {
  apiKey: string;
  port?: number;
}

export interface SupplierPortal extends RunningSandbox {
  /** Adds or replaces a record; updated_at is stamped now (strictly increasing). */
  put(resource: PortalResource, record: Record<string, unknown> & { id: string }): PortalRecord;
  list(resource: PortalResource): PortalRecord[];
}

/** RFC 9457 problem details, as the portal answers every error. */
function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  invalid?: Array<{ name: string; reason: string }>,
) {
  sendJson(
    res,
    status,
    { type: 'about:blank', title, status, detail, ...(invalid ? { 'invalid-params': invalid } : {}) },
    { 'Content-Type': 'application/problem+json' },
  );
}

const requiredOnCreate: Partial<Record<PortalResource, string[]>> = {
  'purchase-orders': ['number', 'supplier_id', 'lines'],
};

/**
 * A supplier portal's REST API: `GET /v1/<resource>?page=&per_page=&updated_since=` answers
 * `{ data, meta }` pages (page pagination, short last page), oldest change first; purchase orders
 * can be created (POST, Idempotency-Key honoured) and updated (PATCH). X-API-Key authenticates.
 */
export async function startSupplierPortal(options: SupplierPortalOptions): Promise<SupplierPortal> {
  const tables = new Map<PortalResource, Map<string, PortalRecord>>(
    portalResources.map((name) => [name, new Map()]),
  );
  const idempotent = new Map<string, PortalRecord>();
  let lastStamp = 0;

  function put(resource: PortalResource, record: Record<string, unknown> & { id: string }): PortalRecord {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    const stored = { ...record, updated_at: new Date(lastStamp).toISOString() };
    tables.get(resource)!.set(record.id, stored);
    return stored;
  }
  const list = (resource: PortalResource) =>
    [...tables.get(resource)!.values()].sort(
      (a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id),
    );

  function index(res: ServerResponse, resource: PortalResource, query: URLSearchParams) {
    const page = Number(query.get('page') ?? '1');
    const perPage = Number(query.get('per_page') ?? '50');
    const since = query.get('updated_since');
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 500)
      return problem(res, 400, 'Bad Request', 'page must be ≥ 1 and per_page between 1 and 500', [
        { name: 'per_page', reason: 'out of range' },
      ]);
    if (since && Number.isNaN(Date.parse(since)))
      return problem(res, 400, 'Bad Request', 'updated_since must be an ISO 8601 timestamp', [
        { name: 'updated_since', reason: 'not a timestamp' },
      ]);
    const rows = list(resource).filter((row) => !since || row.updated_at >= since);
    const data = rows.slice((page - 1) * perPage, page * perPage);
    sendJson(res, 200, { data, meta: { page, per_page: perPage, total: rows.length } });
  }

  function save(
    res: ServerResponse,
    req: IncomingMessage,
    resource: PortalResource,
    id: string | undefined,
    body: string,
  ) {
    const key = req.headers['idempotency-key'];
    const replayed = typeof key === 'string' ? idempotent.get(key) : undefined;
    if (replayed) return sendJson(res, 200, { data: replayed });
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return problem(res, 400, 'Bad Request', 'The body is not valid JSON');
    }
    const existing = id ? tables.get(resource)!.get(id) : undefined;
    if (id && !existing) return problem(res, 404, 'Not Found', `No ${resource} ${id}`);
    const missing = existing
      ? []
      : (requiredOnCreate[resource] ?? []).filter((field) => fields[field] === undefined);
    if (missing.length > 0)
      return problem(
        res,
        422,
        'Unprocessable Entity',
        `${missing.join(', ')} required`,
        missing.map((name) => ({ name, reason: 'is required' })),
      );
    const saved = put(resource, {
      ...existing,
      ...fields,
      id: existing?.id ?? `${resource.slice(0, 2).toUpperCase()}-${randomUUID().slice(0, 8)}`,
    });
    if (typeof key === 'string') idempotent.set(key, saved);
    sendJson(res, existing ? 200 : 201, { data: saved });
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? '/', 'http://portal');
    if (req.headers['x-api-key'] !== options.apiKey)
      return problem(res, 401, 'Unauthorized', 'A valid X-API-Key header is required');
    const match = /^\/v1\/([a-z-]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const resource = match?.[1] as PortalResource | undefined;
    if (!resource || !tables.has(resource))
      return problem(res, 404, 'Not Found', `No resource ${url.pathname}`);
    const id = match?.[2] ? decodeURIComponent(match[2]) : undefined;
    if (req.method === 'GET' && !id) return index(res, resource, url.searchParams);
    if (req.method === 'GET' && id) {
      const found = tables.get(resource)!.get(id);
      return found
        ? sendJson(res, 200, { data: found })
        : problem(res, 404, 'Not Found', `No ${resource} ${id}`);
    }
    if (resource === 'purchase-orders' && ((req.method === 'POST' && !id) || (req.method === 'PATCH' && id)))
      return save(res, req, resource, id, body);
    problem(res, 405, 'Method Not Allowed', `${req.method} is not allowed on ${url.pathname}`);
  }

  const server = await startHttpServer('supplier-portal', handle, options.port);
  return { ...server, put, list };
}
