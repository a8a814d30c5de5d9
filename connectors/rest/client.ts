import type { AxiosRequestConfig, AxiosResponseHeaders, Method, RawAxiosResponseHeaders } from 'axios';
import type { ConnectorContext } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { classifyHttpError, createHttpClient } from '../../core/http/index.ts';
import type { TokenSource } from './auth.ts';
import type { OAuthClientCredentials, RestConfig } from './config.ts';
import { classifyTokenError, createRestErrorClassifier } from './errors.ts';

/** The only file of this connector that does HTTP. */
export interface RestResponse {
  body: unknown;
  headers: Record<string, string | undefined>;
  /** The absolute URL that answered: relative links in the response resolve against it. */
  url: string;
}

export interface RestClient {
  origin: string;
  /** `pathOrUrl` is a path below the base URL, or an absolute URL on the same origin. */
  get(pathOrUrl: string, params?: Record<string, string | number>): Promise<RestResponse>;
  send(method: Method, path: string, body: unknown, headers: Record<string, string>): Promise<RestResponse>;
}

function flattenHeaders(
  headers: RawAxiosResponseHeaders | AxiosResponseHeaders,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name.toLowerCase(),
      value == null ? undefined : String(value),
    ]),
  );
}

function staticAuthorization(config: RestConfig): Record<string, string> {
  const { auth } = config;
  if (auth.type === 'bearer') return { Authorization: `Bearer ${auth.token}` };
  if (auth.type === 'basic') {
    return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  }
  if (auth.type === 'api_key') return { [auth.header]: auth.key };
  return {};
}

export function createRestClient(ctx: ConnectorContext<RestConfig>, tokens?: TokenSource): RestClient {
  const { config } = ctx;
  const origin = new URL(config.baseUrl).origin;
  const http = createHttpClient({
    baseURL: config.baseUrl,
    timeoutMs: config.timeoutMs,
    headers: { Accept: 'application/json', ...config.headers, ...staticAuthorization(config) },
    allowPrivateNetwork: ctx.allowPrivateNetwork,
    classify: createRestErrorClassifier({
      messagePath: config.errorMessagePath,
      fieldPath: config.errorFieldPath,
    }),
    async authorize(request) {
      if (!tokens) return;
      const token = await tokens.current();
      request.headers = { ...request.headers, Authorization: `Bearer ${token}` };
    },
  });
  http.axios.defaults.maxRedirects = 0;
  // Hand the headers and URL up with the body: Link pagination and Location need them.
  http.axios.interceptors.response.use((response) => {
    response.data = {
      body: response.data,
      headers: flattenHeaders(response.headers),
      url: http.axios.getUri(response.config),
    } satisfies RestResponse;
    return response;
  });

  async function call(request: AxiosRequestConfig, what: string): Promise<RestResponse> {
    const lastToken = tokens ? await tokens.current() : undefined;
    try {
      return await http.request<RestResponse>(request, what);
    } catch (raw) {
      // The address check runs before the request and throws DNS failures unclassified.
      const error = classifyHttpError(raw, what);
      // An access token can be revoked before it expires: renew it once and try again.
      if (!tokens || error.details.status !== 401) throw error;
      await tokens.invalidate(lastToken!);
      return http.request<RestResponse>(request, what);
    }
  }

  function urlOf(pathOrUrl: string): string {
    if (!/^https?:\/\//i.test(pathOrUrl)) return joinBase(config.baseUrl, pathOrUrl);
    if (new URL(pathOrUrl).origin !== origin) {
      throw new HubError(
        'config',
        'foreign_origin',
        `refusing to follow ${pathOrUrl}: it is not on ${origin}`,
      );
    }
    return pathOrUrl;
  }

  return {
    origin,
    get: (pathOrUrl, params) => call({ method: 'GET', url: urlOf(pathOrUrl), params }, `GET ${pathOrUrl}`),
    send: (method, path, body, headers) =>
      call({ method, url: urlOf(path), data: body, headers }, `${method} ${path}`),
  };
}

/** `https://x/api/v1` + `/suppliers` → `https://x/api/v1/suppliers` (axios would do the same). */
function joinBase(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** RFC 6749 §4.4 client credentials grant; answers the raw token response. */
export async function requestClientCredentials(
  auth: OAuthClientCredentials,
  allowPrivateNetwork: boolean | undefined,
): Promise<unknown> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope) form.set('scope', auth.scope);
  if (auth.audience) form.set('audience', auth.audience);
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (auth.clientAuthentication === 'basic') {
    // §2.3.1: the id and secret are form-urlencoded before they are joined and base64-encoded.
    const pair = `${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', auth.clientId);
    form.set('client_secret', auth.clientSecret);
  }
  const http = createHttpClient({
    baseURL: auth.tokenUrl,
    allowPrivateNetwork,
    classify: classifyTokenError,
  });
  http.axios.defaults.maxRedirects = 0;
  return http.request(
    { method: 'POST', url: auth.tokenUrl, data: form.toString(), headers },
    'OAuth 2.0 token request',
  );
}
