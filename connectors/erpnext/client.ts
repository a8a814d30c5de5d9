import { z } from 'zod';
import type { ConnectorContext } from '../../core/connector/index.ts';
import { parseOrThrow } from '../../core/errors/index.ts';
import { createHttpClient, type HttpRequestOptions } from '../../core/http/index.ts';
import type { ErpnextConfig } from './config.ts';
import { classifyErpnextError } from './errors.ts';

export type FrappeDoc = Record<string, unknown> & { name: string };

const docSchema = z.looseObject({ name: z.string().min(1) });
const listSchema = z.object({ data: z.array(docSchema) });
const oneSchema = z.object({ data: docSchema });
const messageSchema = z.object({ message: z.unknown() });
const loggedUserSchema = z.object({ message: z.string().min(1) });

export interface FrappeListParams {
  fields: string[];
  filters?: unknown[];
  orFilters?: unknown[];
  orderBy?: string;
  limitStart?: number;
  limitPageLength: number;
}

export interface ErpnextClient {
  list(doctype: string, params: FrappeListParams): Promise<FrappeDoc[]>;
  get(doctype: string, name: string): Promise<FrappeDoc>;
  create(doctype: string, body: Record<string, unknown>): Promise<FrappeDoc>;
  update(doctype: string, name: string, body: Record<string, unknown>): Promise<FrappeDoc>;
  remove(doctype: string, name: string): Promise<void>;
  /** A whitelisted method (POST /api/method/<path>); resolves to its `message`. */
  callMethod(path: string, body?: Record<string, unknown>): Promise<unknown>;
  /**
   * The user the API key signs in as (frappe.auth.get_logged_user), the `owner` of every document
   * the hub creates. Asked once per client; a failed answer is asked again next time.
   */
  loggedUser(): Promise<string>;
}

const resource = (doctype: string, name?: string) =>
  `/api/resource/${encodeURIComponent(doctype)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

/**
 * Frappe REST: /api/resource/<DocType>[/<name>] with token auth ("token key:secret").
 * @see https://docs.frappe.io/framework/user/en/api/rest
 */
export function createErpnextClient(ctx: ConnectorContext<ErpnextConfig>): ErpnextClient {
  const { url, apiKey, apiSecret, timeoutMs } = ctx.config;
  const http = createHttpClient({
    baseURL: url,
    timeoutMs,
    allowPrivateNetwork: ctx.allowPrivateNetwork,
    headers: { Accept: 'application/json' },
    authorize: (config) => {
      config.headers = { ...(config.headers ?? {}), Authorization: `token ${apiKey}:${apiSecret}` };
    },
    classify: classifyErpnextError,
  });
  const send = async <S extends z.ZodType>(
    schema: S,
    config: Parameters<typeof http.request>[0],
    what: string,
    requestOptions?: HttpRequestOptions,
  ) => {
    const body = await http.request<unknown>({ ...config, signal: ctx.signal }, what, requestOptions);
    return parseOrThrow(schema, body, { what }) as z.output<S>;
  };
  // A POST acts again when sent again (a second document, a second cancel): never repeated blindly.
  const once: HttpRequestOptions = { idempotent: false };
  let loggedUser: Promise<string> | undefined;

  return {
    async list(doctype, params) {
      const query: Record<string, string | number> = {
        fields: JSON.stringify(params.fields),
        limit_page_length: params.limitPageLength,
      };
      if (params.filters?.length) query.filters = JSON.stringify(params.filters);
      if (params.orFilters?.length) query.or_filters = JSON.stringify(params.orFilters);
      if (params.orderBy) query.order_by = params.orderBy;
      if (params.limitStart) query.limit_start = params.limitStart;
      const page = await send(
        listSchema,
        { method: 'GET', url: resource(doctype), params: query },
        `list ${doctype}`,
      );
      return page.data as FrappeDoc[];
    },
    async get(doctype, name) {
      return (
        await send(oneSchema, { method: 'GET', url: resource(doctype, name) }, `get ${doctype} ${name}`)
      ).data as FrappeDoc;
    },
    async create(doctype, body) {
      return (
        await send(
          oneSchema,
          { method: 'POST', url: resource(doctype), data: body },
          `create ${doctype}`,
          once,
        )
      ).data as FrappeDoc;
    },
    async update(doctype, name, body) {
      const what = `update ${doctype} ${name}`;
      return (await send(oneSchema, { method: 'PUT', url: resource(doctype, name), data: body }, what))
        .data as FrappeDoc;
    },
    async remove(doctype, name) {
      await http.request(
        { method: 'DELETE', url: resource(doctype, name), signal: ctx.signal },
        `delete ${doctype} ${name}`,
      );
    },
    async callMethod(path, body) {
      const call = body
        ? send(messageSchema, { method: 'POST', url: `/api/method/${path}`, data: body }, path, once)
        : send(messageSchema, { method: 'GET', url: `/api/method/${path}` }, path);
      return (await call).message;
    },
    loggedUser() {
      if (loggedUser) return loggedUser;
      const method = 'frappe.auth.get_logged_user';
      const asked = send(loggedUserSchema, { method: 'GET', url: `/api/method/${method}` }, method).then(
        (answer) => answer.message,
      );
      loggedUser = asked;
      asked.catch(() => {
        if (loggedUser === asked) loggedUser = undefined;
      });
      return asked;
    },
  };
}
