import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import type { OdooConfig } from '../../../connectors/odoo/config.ts';
import { odooConfigSchema } from '../../../connectors/odoo/config.ts';
import { createMemoryState } from '../../../core/connector/index.ts';
import { logger } from '../../../core/log/index.ts';

const fixtureDir = new URL('../../../connectors/odoo/__fixtures__/', import.meta.url);
export const odooOrigin = 'http://127.0.0.1:8069';

interface RpcBody {
  jsonrpc: string;
  method: string;
  params: { service: string; method: string; args: unknown[] };
  id: number | null;
}

export interface OdooFixture {
  description: string;
  request: { body: RpcBody };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

/** A recorded Odoo 18 request/response pair, by its number ("50" → 50-res.partner-create.json). */
export function loadFixture(number: string): OdooFixture {
  const file = readdirSync(fixtureDir).find((name) => name.startsWith(`${number}-`));
  if (!file) throw new Error(`no Odoo fixture ${number}`);
  return JSON.parse(readFileSync(new URL(file, fixtureDir), 'utf8')) as OdooFixture;
}

/** The rows of a recorded search_read/read response. */
export function resultOf(fixture: OdooFixture): unknown {
  return (fixture.response.body as { result?: unknown }).result;
}

/** A record as Odoo answers it: always with its id. */
export type OdooRow = Record<string, unknown> & { id: number };

/** The rows of recorded search_read `number`. */
export function recordedRows(number: string): OdooRow[] {
  return resultOf(loadFixture(number)) as OdooRow[];
}

/** The fields recorded search_read `number` asked for. */
export function recordedFields(number: string): string[] {
  return (loadFixture(number).request.body.params.args[6] as { fields: string[] }).fields;
}

/** `row` with only `fields`, as a search_read for those fields answers it. */
export function pickFields(row: OdooRow, fields: string[]): OdooRow {
  return Object.fromEntries(fields.map((field) => [field, row[field]])) as OdooRow;
}

/**
 * Expects exactly one JSON-RPC call whose params equal `params` (the envelope id is a counter and
 * not compared), and answers with the recorded response, echoing the caller's id as Odoo does;
 * after `delayMs` when given (Odoo received the call and acted, the answer comes late).
 */
export function expectRpc(
  params: RpcBody['params'],
  response: OdooFixture['response'],
  delayMs = 0,
): nock.Scope {
  let requestId: RpcBody['id'] = null;
  const matches = (body: RpcBody) => {
    requestId = body.id;
    return body.jsonrpc === '2.0' && body.method === 'call' && isDeepStrictEqual(body.params, params);
  };
  return nock(odooOrigin)
    .post('/jsonrpc', matches)
    .reply(async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const recorded = response.body;
      const echoed =
        typeof recorded === 'object' && recorded !== null ? { ...recorded, id: requestId } : recorded;
      return [response.status, echoed as nock.Body, response.headers];
    });
}

/** Replays a fixture exactly as recorded. */
export function replay(number: string): nock.Scope {
  const fixture = loadFixture(number);
  return expectRpc(fixture.request.body.params, fixture.response);
}

/**
 * The hooks of a replay test file: no request leaves the process, Date stands at `now` when each
 * test starts, and after it spies are restored and every call it expected must have been made.
 */
export function replayTestsAt(now: Date): void {
  beforeAll(() => nock.disableNetConnect());
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now }));
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}

/** The context the connector's reads send so that archived records are found too. */
export const includeArchived = { active_test: false };

/**
 * Replays a recorded search_read as the connector sends it now, with the context that finds
 * archived records (the recordings predate it); the recorded response answers.
 */
export function replayIncludingArchived(number: string): nock.Scope {
  const { request, response } = loadFixture(number);
  const { service, method, args } = request.body.params;
  const kwargs = { ...(args[6] as Record<string, unknown>), context: includeArchived };
  return expectRpc({ service, method, args: [...args.slice(0, 6), kwargs] }, response);
}

/**
 * A response of the recorded shape ({"jsonrpc", "id", "result"}) for a call the recordings do
 * not hold, such as the empty page that ends a window (84 shows Odoo's empty list).
 */
export function resultResponse(result: unknown): OdooFixture['response'] {
  const template = loadFixture('84').response;
  return { ...template, body: { jsonrpc: '2.0', id: null, result } };
}

/** The params of execute_kw as the recorded admin session (uid 2) sends them. */
export function executeKwParams(
  model: string,
  method: string,
  args: unknown[],
  kwargs?: Record<string, unknown>,
  password = 'admin',
) {
  const callArgs: unknown[] = ['demo', 2, password, model, method, args];
  if (kwargs) callArgs.push(kwargs);
  return { service: 'object', method: 'execute_kw', args: callArgs };
}

/** Expects one search_read of `model` over `domain` with `kwargs`, answered with `response`. */
export function expectSearchRead(
  model: string,
  domain: unknown[],
  kwargs: Record<string, unknown>,
  response: OdooFixture['response'],
): nock.Scope {
  return expectRpc(executeKwParams(model, 'search_read', [domain], kwargs), response);
}

/** The items stream's look-up of the MTO route by its XML id, answered with `rows` (none found by default). */
export function expectMtoLookup(rows: unknown[] = []): nock.Scope {
  return expectSearchRead(
    'ir.model.data',
    ['&', ['module', '=', 'stock'], ['name', '=', 'route_warehouse0_mto']],
    { fields: ['module', 'name', 'model', 'res_id'], order: 'id asc' },
    resultResponse(rows),
  );
}

/** The items stream's search_read of the vendor lines (`fields`) of `templateIds` whose vendor is active. */
export function expectVendorLinesOf(
  templateIds: number[],
  fields: string[],
  response: OdooFixture['response'],
): nock.Scope {
  return expectSearchRead(
    'product.supplierinfo',
    [
      ['product_tmpl_id', 'in', templateIds],
      ['partner_id.active', '=', true],
    ],
    { fields, order: 'id asc' },
    response,
  );
}

export function odooContext(overrides: Partial<Record<keyof OdooConfig, unknown>> = {}) {
  const config = odooConfigSchema.parse({
    url: odooOrigin,
    database: 'demo',
    username: 'admin',
    apiKey: 'admin',
    ...overrides,
  });
  // The recordings come from an on-premise server on the loopback address.
  return { connectionId: 'odoo-test', config, logger, state: createMemoryState(), allowPrivateNetwork: true };
}

export type OdooTestContext = ReturnType<typeof odooContext>;

/** Seeds the uid cache so a test replays only the calls it is about. */
export async function withCachedUid(ctx: OdooTestContext, uid = 2) {
  await ctx.state.set(`odoo.uid:${ctx.config.database}:${ctx.config.username}`, uid);
  return ctx;
}
