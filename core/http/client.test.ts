import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hubErrorOf as failureOf } from '../../tests/support/hub-error-of.ts';
import { createHttpClient } from './client.ts';

// A real server: the failures under test happen on the socket, after the request was received.
type Route = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Route>();
const received: string[] = [];
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received.push(`${req.method} ${req.url}`);
    const route = routes.get(req.url ?? '');
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
});
let baseURL = '';

const json = (res: ServerResponse, status: number, body: unknown, headers = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
/** Saves the request at once but answers only after the client gave up waiting. */
const answerLate: Route = (_req, res) => {
  setTimeout(() => json(res, 200, { id: 1 }), 300);
};

function client(url = baseURL) {
  return createHttpClient({
    baseURL: url,
    timeoutMs: 100,
    allowPrivateNetwork: true,
    retry: { sleep: async () => {} },
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  routes.clear();
  received.length = 0;
});

describe('in-request retries of calls that are not idempotent', () => {
  it('never sends a create again after a timeout: the server may have saved it', async () => {
    routes.set('/create', answerLate);
    const error = await failureOf(
      client().request({ method: 'POST', url: '/create' }, 'create', { idempotent: false }),
    );
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout', retryable: true });
    expect(received).toEqual(['POST /create']);
  });

  it('still retries an idempotent call after a timeout', async () => {
    routes.set('/read', answerLate);
    await failureOf(client().request({ method: 'GET', url: '/read' }));
    expect(received).toEqual(['GET /read', 'GET /read', 'GET /read']);
  });

  it('sends a create again after a 429, which the server refused without acting', async () => {
    let calls = 0;
    routes.set('/create', (_req, res) =>
      ++calls === 1 ? json(res, 429, {}, { 'retry-after': '0' }) : json(res, 200, { id: 1 }),
    );
    const saved = await client().request({ method: 'POST', url: '/create' }, 'create', { idempotent: false });
    expect(saved).toEqual({ id: 1 });
    expect(received).toEqual(['POST /create', 'POST /create']);
  });

  it('sends a create again when the connection was refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let sleeps = 0;
    const refused = createHttpClient({
      baseURL: `http://127.0.0.1:${port}`,
      allowPrivateNetwork: true,
      retry: { sleep: async () => void sleeps++ },
    });
    const error = await failureOf(
      refused.request({ method: 'POST', url: '/' }, 'create', { idempotent: false }),
    );
    expect(error).toMatchObject({ kind: 'transient', code: 'network_error' });
    expect(sleeps).toBe(2);
  });
});

describe('a body that breaks off after the headers', () => {
  it('is a transient network failure, not the 200 the headers carried', async () => {
    routes.set('/stalled', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
      setTimeout(() => res.end('{}}'), 300);
    });
    const error = await failureOf(client().request({ method: 'GET', url: '/stalled' }));
    expect(error.kind).toBe('transient');
    expect(error.code).not.toBe('http_200');
  });

  it('is transient when the server drops the connection mid-body', async () => {
    routes.set('/cut', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const error = await failureOf(client().request({ method: 'GET', url: '/cut' }));
    expect(error).toMatchObject({ kind: 'transient', code: 'network_error' });
  });
});
