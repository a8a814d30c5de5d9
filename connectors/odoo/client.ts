import { z } from 'zod';
import type { ConnectorContext } from '../../core/connector/index.ts';
import { HubError, parseOrThrow } from '../../core/errors/index.ts';
import { createHttpClient, type HttpRequestOptions } from '../../core/http/index.ts';
import { forgetUid, resolveUid } from './auth.ts';
import type { OdooConfig } from './config.ts';
import { classifyOdooFault, classifyOdooHttpError, odooFaultSchema } from './errors.ts';

// Odoo echoes `id` (null when absent) and omits `result` when the method returned None.
const envelopeSchema = z.object({
  jsonrpc: z.string().optional(),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  result: z.unknown().optional(),
  error: odooFaultSchema.optional(),
});

export interface OdooRpc {
  /** One JSON-RPC call; resolves to `result`, or undefined when Odoo sent none (a None return). */
  call(
    service: 'common' | 'object',
    method: string,
    args: unknown[],
    what: string,
    requestOptions?: HttpRequestOptions,
  ): Promise<unknown>;
}

export interface OdooClient {
  rpc: OdooRpc;
  /** object.execute_kw as the authenticated user; kwargs are left out when empty, as Odoo's own clients do. */
  executeKw(
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): Promise<unknown>;
}

let nextId = 0;

/**
 * execute_kw methods that may be sent again after a timeout: reads, and unlink (a repeat finds
 * the record gone, which a delete counts as done). A create, a write (x2many commands create
 * lines) or a button (action_confirm ...) could act twice, so those are left to the queue.
 */
const repeatableMethods = new Set([
  'search_read',
  'read',
  'search',
  'search_count',
  'fields_get',
  'name_search',
  'read_group',
  'unlink',
]);

export function createOdooRpc(ctx: ConnectorContext<OdooConfig>): OdooRpc {
  const http = createHttpClient({
    baseURL: ctx.config.url,
    timeoutMs: ctx.config.timeoutMs,
    allowPrivateNetwork: ctx.allowPrivateNetwork,
    classify: classifyOdooHttpError,
  });
  return {
    async call(service, method, args, what, requestOptions) {
      nextId += 1;
      const body = { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: nextId };
      const raw = await http.request<unknown>(
        { method: 'POST', url: '/jsonrpc', data: body, signal: ctx.signal },
        what,
        requestOptions,
      );
      const envelope = parseOrThrow(envelopeSchema, raw, { what: `${what}: Odoo JSON-RPC response` });
      if (envelope.error) throw classifyOdooFault(envelope.error, what);
      return envelope.result;
    },
  };
}

export function createOdooClient(ctx: ConnectorContext<OdooConfig>): OdooClient {
  const rpc = createOdooRpc(ctx);
  const { database, apiKey } = ctx.config;
  return {
    rpc,
    async executeKw(model, method, args, kwargs) {
      const uid = await resolveUid(ctx, rpc);
      const callArgs = [database, uid, apiKey, model, method, args];
      if (kwargs && Object.keys(kwargs).length > 0) callArgs.push(kwargs);
      try {
        return await rpc.call('object', 'execute_kw', callArgs, `${model}.${method}`, {
          idempotent: repeatableMethods.has(method),
        });
      } catch (error) {
        // A changed password or revoked key: forget the uid so the next run authenticates afresh.
        if (error instanceof HubError && error.code === 'odoo_access_denied') await forgetUid(ctx);
        throw error;
      }
    },
  };
}
