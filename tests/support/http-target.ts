import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the target does to the next write requests: answer an error, or never answer (a timeout). */
export type TargetFault = { status: 500 } | { status: 429; retryAfterSeconds: number } | { status: 'hang' };

export interface TargetRecord {
  id: string;
  [field: string]: unknown;
}

/**
 * A REST target served by the test process, like an API that honours Idempotency-Key: a create
 * repeated with a key it has seen answers the first result and creates nothing.
 */
export interface HttpTarget {
  url: string;
  records: Map<string, TargetRecord>;
  faults: TargetFault[];
  /** Every write request, in arrival order, with how it was answered. */
  requests: Array<{ method: string; key?: string; answer: number | 'hang' | 'replayed' }>;
  /** Milliseconds each write takes before it is applied. */
  writeDelayMs: number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export async function startHttpTarget(collection = 'customers'): Promise<HttpTarget> {
  const records = new Map<string, TargetRecord>();
  const byKey = new Map<string, TargetRecord>();
  const hanging = new Set<ServerResponse>();
  let nextId = 1;
  const target: Omit<HttpTarget, 'url' | 'close'> = { records, faults: [], requests: [], writeDelayMs: 0 };

  async function write(request: IncomingMessage, response: ServerResponse, id: string | undefined) {
    const key =
      typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : undefined;
    const body = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
    const fault = target.faults.shift();
    if (fault?.status === 'hang') {
      target.requests.push({ method: request.method!, key, answer: 'hang' });
      hanging.add(response);
      return;
    }
    if (fault) {
      target.requests.push({ method: request.method!, key, answer: fault.status });
      const headers: Record<string, string> =
        fault.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      return send(
        response,
        fault.status,
        { title: fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error' },
        headers,
      );
    }
    if (target.writeDelayMs) await new Promise((resolve) => setTimeout(resolve, target.writeDelayMs));
    const seen = key ? byKey.get(key) : undefined;
    if (seen) {
      target.requests.push({ method: request.method!, key, answer: 'replayed' });
      return send(response, 200, { data: seen });
    }
    const existing = id ? records.get(id) : undefined;
    if (id && !existing) return send(response, 404, { title: `no ${collection} ${id}` });
    const record: TargetRecord = { ...existing, ...body, id: existing?.id ?? `T-${nextId++}` };
    records.set(record.id, record);
    if (key) byKey.set(key, record);
    target.requests.push({ method: request.method!, key, answer: existing ? 200 : 201 });
    send(response, existing ? 200 : 201, { data: record });
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://target');
    const [, name, id] = url.pathname.split('/');
    if (name !== collection) return send(response, 404, { title: 'not found' });
    if (request.method === 'GET' && !id) {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      return send(response, 200, { data: [...records.values()].slice(offset, offset + limit) });
    }
    if (request.method === 'POST' || request.method === 'PATCH') {
      write(request, response, id).catch((error: unknown) => send(response, 500, { title: String(error) }));
      return;
    }
    send(response, 405, { title: 'method not allowed' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(target, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** A generic REST connection config for the target: offset paging, create by POST, update by PATCH. */
export function restTargetConfig(url: string, timeoutMs = 2_000) {
  return {
    baseUrl: url,
    timeoutMs,
    streams: [
      {
        name: 'customers',
        entity: 'customer',
        path: '/customers',
        recordPath: 'data',
        pageSize: 100,
        pagination: { type: 'offset' },
        write: {
          create: { method: 'POST', path: '/customers' },
          update: { method: 'PATCH', path: '/customers/{externalId}' },
          responseRecordPath: 'data',
        },
      },
    ],
  };
}
