import { PassThrough } from 'node:stream';
import { AxiosError, type AxiosInstance } from 'axios';
import { Connection, type HttpMethods, type HttpRequest, type HttpResponse, type Schema } from 'jsforce';
import { HttpApi } from 'jsforce/lib/http-api.js';
import { StreamPromise } from 'jsforce/lib/util/promise.js';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { assertPublicUrl, createHttpClient, withInRequestRetry } from '../../core/http/index.ts';
import type { Session, SessionSource } from './auth.ts';
import type { SalesforceConfig } from './config.ts';
import {
  classifyOAuthError,
  classifySalesforceError,
  isLostQueryLocator,
  isSessionExpired,
} from './errors.ts';

/**
 * The only file that talks to Salesforce. jsforce's HttpApi detects expired sessions, parses
 * bodies by content type and turns error bodies into coded errors; the bytes travel over the
 * hub's axios pools (keep-alive, one transport for every connector) instead of jsforce's fetch.
 */
export interface SalesforceRequest {
  method: HttpMethods;
  /** Path from the instance root (/services/data/v62.0/query) or a nextRecordsUrl. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  csv?: string;
  /** Keep the body as text (Bulk API CSV results) instead of parsing it. */
  text?: boolean;
}

export interface SalesforceResponse<T> {
  body: T;
  headers: Record<string, string>;
}

export interface ApiUsage {
  used: number;
  max: number;
}

export interface SalesforceClient {
  apiVersion: string;
  /** `/services/data/v62.0` + suffix */
  dataPath(suffix: string): string;
  send<T>(request: SalesforceRequest, what: string): Promise<SalesforceResponse<T>>;
  usage(): ApiUsage | undefined;
}

type NetworkOptions = Pick<ConnectorContext<unknown>, 'allowPrivateNetwork'>;

function withContext(error: HubError, what: string): HubError {
  return Object.assign(error, { message: `${what}: ${error.message}` });
}

/** OAuth errors come back as `{ error, error_description }`. */
function classifyTokenError(error: unknown): HubError | undefined {
  const body =
    error instanceof AxiosError
      ? (error.response?.data as { error?: unknown; error_description?: unknown })
      : undefined;
  return typeof body?.error === 'string'
    ? classifyOAuthError(body.error, String(body.error_description ?? ''))
    : undefined;
}

/** POST to /services/oauth2/token with form parameters; answers the raw token response. */
export async function postTokenRequest(
  loginUrl: string,
  params: Record<string, string>,
  options: NetworkOptions,
): Promise<unknown> {
  const http = createHttpClient({
    baseURL: loginUrl,
    allowPrivateNetwork: options.allowPrivateNetwork,
    classify: classifyTokenError,
  });
  return http.request(
    {
      method: 'POST',
      url: '/services/oauth2/token',
      data: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    'Salesforce sign-in',
  );
}

/** A jsforce transport that sends through axios and hands the raw response back to jsforce. */
function createAxiosTransport(axios: AxiosInstance) {
  return {
    httpRequest(request: HttpRequest): StreamPromise<HttpResponse> {
      return StreamPromise.create(() => ({
        stream: new PassThrough(),
        promise: axios
          .request<string>({
            url: request.url,
            method: request.method,
            headers: request.headers,
            data: request.body,
            responseType: 'text',
            transformResponse: (body: string) => body,
            validateStatus: () => true,
          })
          .then((response) => ({
            statusCode: response.status,
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
            ),
            body: response.data,
          })),
      }));
    },
  };
}

/**
 * A forced response type (text for Bulk CSV results) applies to successful bodies only: an error
 * body is parsed by its own content type, so a JSON INVALID_SESSION_ID still reads as one.
 */
class SalesforceHttpApi extends HttpApi<Schema> {
  override getResponseContentType(response: HttpResponse): string | undefined {
    if (response.statusCode < 400) return super.getResponseContentType(response) ?? undefined;
    return response.headers?.['content-type'];
  }
}

/** `api-usage=18/5000` in Sforce-Limit-Info: requests used in the last 24 hours over the org's allowance. */
export function parseLimitInfo(header: string | undefined): ApiUsage | undefined {
  const match = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
  return match ? { used: Number(match[1]), max: Number(match[2]) } : undefined;
}

function urlOf(session: Session, request: SalesforceRequest): string {
  const query = request.query
    ? `?${new URLSearchParams(request.query).toString().replace(/\+/g, '%20')}`
    : '';
  return `${session.instanceUrl}${request.path}${query}`;
}

export function createSalesforceClient(
  ctx: ConnectorContext<SalesforceConfig>,
  sessions: SessionSource,
): SalesforceClient {
  const { apiVersion, apiUsageCeiling, quotaRetryAfterMinutes } = ctx.config;
  const quotaRetryAfterMs = quotaRetryAfterMinutes * 60_000;
  // No refresh delegate on purpose: a rejected session comes back to us, renewed once under the lock.
  const connection = new Connection({ version: apiVersion });
  const transport = createAxiosTransport(createHttpClient({ baseURL: ctx.config.loginUrl }).axios);
  const guardedHosts = new Map<string, Promise<void>>();
  let usage: ApiUsage | undefined;

  function assertQuotaLeft() {
    if (!usage || usage.used / usage.max < apiUsageCeiling) return;
    throw new HubError(
      'rate_limited',
      'api_quota_reached',
      `Salesforce API usage is at ${usage.used} of ${usage.max} daily requests, above the ${Math.round(apiUsageCeiling * 100)}% the hub may use; syncing resumes when the org has quota again`,
      { retryAfterMs: quotaRetryAfterMs, details: { ...usage } },
    );
  }

  async function sendOnce<T>(session: Session, request: SalesforceRequest): Promise<SalesforceResponse<T>> {
    let guard = guardedHosts.get(session.instanceUrl);
    if (!guard) {
      guard = assertPublicUrl(session.instanceUrl, ctx.allowPrivateNetwork);
      guardedHosts.set(session.instanceUrl, guard);
    }
    await guard;
    const api = new SalesforceHttpApi(connection, {
      responseType: request.text ? 'text/plain' : undefined,
      transport,
    });
    let headers: Record<string, string> = {};
    api.on('response', (response: HttpResponse) => {
      headers = response.headers ?? {};
      usage = parseLimitInfo(headers['sforce-limit-info']) ?? usage;
    });
    const requestHeaders: Record<string, string> = { Authorization: `Bearer ${session.accessToken}` };
    let body: string | undefined;
    if (request.csv !== undefined) {
      requestHeaders['content-type'] = 'text/csv';
      body = request.csv;
    } else if (request.json !== undefined) {
      requestHeaders['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const parsed = await api.request<T>({
      method: request.method,
      url: urlOf(session, request),
      headers: requestHeaders,
      body,
    });
    return { body: parsed, headers };
  }

  async function sendWithSession<T>(request: SalesforceRequest): Promise<SalesforceResponse<T>> {
    assertQuotaLeft();
    const session = await sessions.current();
    try {
      return await sendOnce<T>(session, request);
    } catch (error) {
      if (!isSessionExpired(error)) throw error;
      return sendOnce<T>(await sessions.renew(session), request);
    }
  }

  return {
    apiVersion,
    dataPath: (suffix) => `/services/data/v${apiVersion}${suffix}`,
    send: (request, what) =>
      withInRequestRetry(
        () => sendWithSession(request),
        (error) => withContext(classifySalesforceError(error, quotaRetryAfterMs), what),
        {},
        (error) => !isLostQueryLocator(error),
      ),
    usage: () => usage,
  };
}
