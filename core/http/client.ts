import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { HubError } from '../errors/index.ts';
import { classifyHttpError, provablyNotProcessed } from './classify.ts';
import { assertPublicRedirect, assertPublicUrl, publicAddressLookup } from './network-guard.ts';
import { type InRequestRetryOptions, withInRequestRetry } from './retry.ts';

export interface HttpClientOptions {
  baseURL: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Injects auth per request (a fresh token after a refresh, for example). */
  authorize?: (config: AxiosRequestConfig) => Promise<void> | void;
  allowPrivateNetwork?: boolean;
  retry?: InRequestRetryOptions;
  /** Vendor-specific error classification, tried before the generic HTTP one. */
  classify?: (error: unknown) => HubError | undefined;
}

export interface HttpRequestOptions {
  /**
   * Set false for a call that acts anew each time it is sent (a create, a cancel): after a
   * timeout or reset the server may already have acted, so it is sent again only when the
   * failure proves it was not (connection refused, 429), and otherwise the error goes to the
   * queue, whose retry of the whole write looks the first attempt up. @defaultValue true
   */
  idempotent?: boolean;
}

export interface HttpClient {
  axios: AxiosInstance;
  request<T>(config: AxiosRequestConfig, what?: string, requestOptions?: HttpRequestOptions): Promise<T>;
}

// Keep-alive pools: a new TLS handshake per call would cost more than the call itself.
// Guarded clients get pools of their own, so they never reuse a socket opened to a private address.
const pooling = { keepAlive: true, maxSockets: 64 };
const openAgents = { httpAgent: new HttpAgent(pooling), httpsAgent: new HttpsAgent(pooling) };
const publicOnlyAgents = {
  httpAgent: new HttpAgent({ ...pooling, lookup: publicAddressLookup }),
  httpsAgent: new HttpsAgent({ ...pooling, lookup: publicAddressLookup }),
};

/** The guard's refusal of a redirect hop or connection, which axios wraps in its own errors. */
function guardRefusal(error: unknown): HubError | undefined {
  for (let cause = (error as Error | undefined)?.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof HubError) return cause;
  }
  return undefined;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const instance = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 30_000,
    headers: options.headers,
    ...(options.allowPrivateNetwork
      ? openAgents
      : { ...publicOnlyAgents, beforeRedirect: (redirect) => assertPublicRedirect(redirect.href) }),
  });
  let guarded: Promise<void> | undefined;
  const classify = (error: unknown) =>
    guardRefusal(error) ?? options.classify?.(error) ?? classifyHttpError(error);

  async function request<T>(
    config: AxiosRequestConfig,
    what?: string,
    requestOptions: HttpRequestOptions = {},
  ): Promise<T> {
    guarded ??= assertPublicUrl(options.baseURL, options.allowPrivateNetwork);
    await guarded;
    return withInRequestRetry(
      async () => {
        const perCall: AxiosRequestConfig = { ...config, headers: { ...(config.headers ?? {}) } };
        await options.authorize?.(perCall);
        const response = await instance.request<T>(perCall);
        return response.data;
      },
      (error) => {
        const hubError = classify(error);
        return what ? Object.assign(hubError, { message: `${what}: ${hubError.message}` }) : hubError;
      },
      options.retry,
      requestOptions.idempotent === false ? provablyNotProcessed : undefined,
    );
  }

  return { axios: instance, request };
}
