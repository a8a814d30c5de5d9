/** Calls the hub's API with the session cookie and, for changes, the session's CSRF token. */
let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const onUnauthorized = { handler: () => {} };

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = data?.error ?? {};
    if (response.status === 401 && path !== '/api/auth/login') onUnauthorized.handler();
    throw new ApiError(
      response.status,
      error.code ?? 'http_error',
      error.message ?? response.statusText,
      error.details ?? {},
    );
  }
  return data as T;
}

export const get = <T = unknown>(path: string) => api<T>('GET', path);
export const post = <T = unknown>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T = unknown>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T = unknown>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T = unknown>(path: string) => api<T>('DELETE', path);

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** A page of a list paged by cursor (the master-data lists): `offset` counts the rows before it. */
export interface CursorPage<T> extends Page<T> {
  nextCursor: string | null;
  previousCursor: string | null;
}

/** Where a cursor page moves to: the rows after one cursor, or before another. */
export type CursorStep = { after: string; before?: undefined } | { before: string; after?: undefined };

export type Role = 'viewer' | 'operator' | 'admin';
export interface Me {
  userId: string;
  email: string;
  role: Role;
  csrfToken?: string;
}

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export const can = (me: Me | undefined, role: Role) => Boolean(me) && rank[me!.role] >= rank[role];

export function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)]))}` : '';
}
