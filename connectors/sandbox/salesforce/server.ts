import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RunningSandbox, sendJson, startHttpServer } from '../http.ts';
import { createOrg, type RecordError, type SandboxOrg, SObjectRequestError, typeOf } from './org.ts';
import { fieldTypeOf, sobjectTypes } from './schema.ts';
import { runSoql } from './soql.ts';

export interface SalesforceSandboxOptions {
  clientId: string;
  refreshToken: string;
  /** Records per query page before a nextRecordsUrl. @defaultValue 2000 */
  pageSize?: number;
  /** Daily API allowance reported in Sforce-Limit-Info. @defaultValue 15000 */
  dailyApiRequests?: number;
  port?: number;
}

export interface SalesforceSandbox extends RunningSandbox {
  org: SandboxOrg;
  /** Every session issued so far stops working (as when an admin revokes them). */
  expireSessions(): void;
  /** Sets how many API requests count as used today. */
  setApiUsage(used: number): void;
}

const versions = ['60.0', '61.0', '62.0'];

function salesforceError(res: ServerResponse, status: number, errorCode: string, message: string) {
  sendJson(res, status, [{ message, errorCode }]);
}

export async function startSalesforceSandbox(options: SalesforceSandboxOptions): Promise<SalesforceSandbox> {
  const org = createOrg();
  const pageSize = options.pageSize ?? 2000;
  const dailyLimit = options.dailyApiRequests ?? 15_000;
  const sessions = new Set<string>();
  const cursors = new Map<string, { rows: unknown[]; totalSize: number }>();
  let used = 0;
  let url = '';

  function token(res: ServerResponse, body: string) {
    const params = new URLSearchParams(body);
    if (params.get('grant_type') !== 'refresh_token')
      return sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'grant type not supported',
      });
    if (params.get('client_id') !== options.clientId)
      return sendJson(res, 400, {
        error: 'invalid_client_id',
        error_description: 'client identifier invalid',
      });
    if (params.get('refresh_token') !== options.refreshToken)
      return sendJson(res, 400, {
        error: 'invalid_grant',
        error_description: 'expired access/refresh token',
      });
    const accessToken = `00DDm0000000001!${randomBytes(24).toString('base64url')}`;
    sessions.add(accessToken);
    sendJson(res, 200, {
      access_token: accessToken,
      signature: randomBytes(32).toString('base64'),
      scope: 'refresh_token api',
      instance_url: url,
      id: `${url}/id/00DDm0000000001MAA/005Dm0000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    });
  }

  function page(cursorKey: string, rows: unknown[], totalSize: number, apiVersion: string) {
    const records = rows.slice(0, pageSize);
    const rest = rows.slice(pageSize);
    if (rest.length === 0) return { totalSize, done: true, records };
    const consumed = totalSize - rest.length;
    const locator = `${cursorKey}-${consumed}`;
    cursors.set(locator, { rows: rest, totalSize });
    return {
      totalSize,
      done: false,
      nextRecordsUrl: `/services/data/v${apiVersion}/query/${locator}`,
      records,
    };
  }

  function query(
    res: ServerResponse,
    target: URL,
    apiVersion: string,
    all: boolean,
    headers: Record<string, string>,
  ) {
    const locator = /\/query\/([^/]+)$/.exec(target.pathname)?.[1];
    if (locator) {
      const cursor = cursors.get(locator);
      if (!cursor) return salesforceError(res, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      cursors.delete(locator);
      return sendJson(
        res,
        200,
        page(locator.split('-')[0]!, cursor.rows, cursor.totalSize, apiVersion),
        headers,
      );
    }
    const soql = target.searchParams.get('q');
    if (!soql) return salesforceError(res, 400, 'MALFORMED_QUERY', 'A query string has to be specified');
    const result = runSoql(org, soql, all, apiVersion);
    const key = `01gDm${randomBytes(5).toString('hex').toUpperCase()}`;
    sendJson(res, 200, page(key, result.rows, result.totalSize, apiVersion), headers);
  }

  /** sObject Collections upsert: one result per record, in request order; allOrNone rolls all back. */
  function upsert(
    res: ServerResponse,
    sobject: string,
    field: string,
    body: string,
    headers: Record<string, string>,
  ) {
    typeOf(sobject);
    let request: { allOrNone?: boolean; records?: Array<Record<string, unknown>> };
    try {
      request = JSON.parse(body);
    } catch {
      return salesforceError(res, 400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON');
    }
    const records = (request.records ?? []).map(({ attributes: _attributes, ...fields }) => fields);
    if (records.length > 200)
      return salesforceError(
        res,
        400,
        'EXCEEDED_ID_LIMIT',
        'record limit reached. cannot submit more than 200 records into this call',
      );
    if (field !== 'Id' && !sobjectTypes[sobject]!.fields.includes(field))
      return salesforceError(
        res,
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${field}`,
      );
    for (const fields of records) org.assertWritable(sobject, field === 'Id' ? withoutId(fields) : fields);
    const plans = records.map((fields) => {
      const key = fields[field];
      const matched =
        field === 'Id'
          ? typeof key === 'string'
            ? org.rows(sobject, false).filter((record) => record.Id === key)
            : []
          : org.findBy(sobject, field, key);
      const errors: RecordError[] = [];
      if (key === undefined || key === null || key === '')
        errors.push({ statusCode: 'MISSING_ARGUMENT', message: `${field} not specified`, fields: [] });
      else if (matched.length > 1)
        errors.push({
          statusCode: 'DUPLICATE_EXTERNAL_ID',
          message: `${field}: more than one record found for external id field: ${matched.map((record) => record.Id).join(', ')}`,
          fields: [field],
        });
      else if (field === 'Id' && matched.length === 0)
        errors.push({
          statusCode: 'NOT_FOUND',
          message: `No ${sobject} with Id ${String(key)}`,
          fields: ['Id'],
        });
      else errors.push(...org.validate(sobject, fields, matched.length === 0));
      return { fields: field === 'Id' ? withoutId(fields) : fields, existing: matched[0], errors };
    });
    const rollBack = request.allOrNone === true && plans.some((plan) => plan.errors.length > 0);
    const results = plans.map((plan) => {
      if (plan.errors.length > 0) return { success: false, errors: plan.errors };
      if (rollBack)
        return {
          success: false,
          errors: [
            {
              statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
              message:
                'Record rolled back because not all records were valid and the request was using AllOrNone header',
              fields: [],
            },
          ],
        };
      const saved = plan.existing
        ? org.update(sobject, plan.existing.Id, plan.fields)
        : org.insert(sobject, plan.fields);
      return { id: saved.Id, success: true, errors: [], created: !plan.existing };
    });
    sendJson(res, 200, results, headers);
  }

  /** The update collection: records by Id, each naming its type (one type per call here). */
  function update(res: ServerResponse, body: string, headers: Record<string, string>) {
    let sobject: unknown;
    try {
      sobject = (JSON.parse(body) as { records?: Array<{ attributes?: { type?: unknown } }> }).records?.[0]
        ?.attributes?.type;
    } catch {
      return salesforceError(res, 400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON');
    }
    if (typeof sobject !== 'string')
      return salesforceError(res, 400, 'INVALID_TYPE', 'Each record needs attributes.type');
    return upsert(res, sobject, 'Id', body, headers);
  }

  function remove(res: ServerResponse, target: URL, headers: Record<string, string>) {
    const ids = (target.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    const results = ids.map((id) =>
      org.remove(id)
        ? { id, success: true, errors: [] }
        : {
            id,
            success: false,
            errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
          },
    );
    sendJson(res, 200, results, headers);
  }

  function describe(res: ServerResponse, sobject: string, headers: Record<string, string>) {
    const type = typeOf(sobject);
    const fields = type.fields.map((name) => ({
      name,
      externalId: name === org.externalIdField,
      idLookup: name === 'Id' || name === org.externalIdField,
      type: fieldTypeOf(type, name),
      updateable: name !== 'Id',
    }));
    sendJson(
      res,
      200,
      { name: sobject, queryable: true, createable: true, updateable: true, fields },
      headers,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const target = new URL(req.url ?? '/', url);
    const path = target.pathname;
    if (req.method === 'POST' && path === '/services/oauth2/token') return token(res, body);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !sessions.has(bearer))
      return salesforceError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    if (used >= dailyLimit)
      return salesforceError(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    used += 1;
    const headers = { 'Sforce-Limit-Info': `api-usage=${used}/${dailyLimit}` };
    if (req.method === 'GET' && path === '/services/data/')
      return sendJson(
        res,
        200,
        versions.map((version) => ({ version, label: `v${version}`, url: `/services/data/v${version}` })),
        headers,
      );
    const match = /^\/services\/data\/v(\d+\.0)(\/.*)$/.exec(path);
    if (!match || !versions.includes(match[1]!))
      return salesforceError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const [apiVersion, rest] = [match[1]!, match[2]!];
    try {
      if (req.method === 'GET' && /^\/(query|queryAll)(\/|$)/.test(rest))
        return query(res, target, apiVersion, rest.startsWith('/queryAll'), headers);
      const describeMatch = /^\/sobjects\/(\w+)\/describe$/.exec(rest);
      if (req.method === 'GET' && describeMatch) return describe(res, describeMatch[1]!, headers);
      const upsertMatch = /^\/composite\/sobjects\/(\w+)\/(\w+)$/.exec(rest);
      if (req.method === 'PATCH' && upsertMatch)
        return upsert(res, upsertMatch[1]!, upsertMatch[2]!, body, headers);
      if (req.method === 'PATCH' && rest === '/composite/sobjects') return update(res, body, headers);
      if (req.method === 'DELETE' && rest === '/composite/sobjects') return remove(res, target, headers);
      salesforceError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    } catch (error) {
      if (!(error instanceof SObjectRequestError)) throw error;
      salesforceError(res, error.status, error.errorCode, error.message);
    }
  }

  const server = await startHttpServer('salesforce', handle, options.port);
  url = server.url;
  return {
    ...server,
    org,
    expireSessions: () => sessions.clear(),
    setApiUsage: (value) => {
      used = value;
    },
  };
}

function withoutId(fields: Record<string, unknown>): Record<string, unknown> {
  const { Id: _id, ...rest } = fields;
  return rest;
}
