import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { rest } from '../../../connectors/rest/index.ts';
import type { WriteOp } from '../../../core/connector/types.ts';
import { batchRetryError, sortResults } from '../../../core/sync/write-results.ts';
import { api, fixture, makeConfig, makeContext, useNock } from './harness.ts';

vi.mock('node:dns/promises', async () => (await import('./fake-dns.ts')).fakeDns);

const stream = {
  name: 'suppliers',
  entity: 'supplier',
  path: '/v1/suppliers',
  recordPath: 'data',
  write: {
    create: { method: 'POST', path: '/v1/suppliers' },
    update: { method: 'PATCH', path: '/v1/suppliers/{externalId}' },
    delete: { path: '/v1/suppliers/{externalId}' },
    responseRecordPath: 'data',
  },
};
const config = makeConfig({ streams: [stream] });
const write = (ops: WriteOp[]) => rest.write(makeContext(config), 'suppliers', ops);

function op(key: string, record: Record<string, unknown>, externalId?: string): WriteOp {
  return { idempotencyKey: key, action: 'upsert', canonicalId: `c-${key}`, externalId, record };
}

/** The engine's view of the ops, as core/sync/outbound.ts sorts a batch's results. */
const planned = (ops: WriteOp[]) => ops.map((o) => ({ op: o, record: { id: o.canonicalId } as never }));

function portal(key: string) {
  return nock(api).matchHeader('authorization', 'Bearer portal-token').matchHeader('idempotency-key', key);
}

describe('REST writes', () => {
  useNock();

  it('creates with POST and updates with PATCH on the templated URL, carrying the idempotency key', async () => {
    const created = { name: 'Acme Components GmbH', email: 'orders@acme.example' };
    portal('k-1')
      .post('/v1/suppliers', created)
      .reply(201, { data: { id: 'SUP-101', ...created } });
    portal('k-2')
      .patch('/v1/suppliers/SUP%2F7', { name: 'Bolt Ltd' })
      .reply(200, { data: { id: 'SUP/7', name: 'Bolt Ltd' } });
    const results = await write([op('k-1', created), op('k-2', { name: 'Bolt Ltd' }, 'SUP/7')]);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'k-1', externalId: 'SUP-101', created: true },
      { ok: true, idempotencyKey: 'k-2', externalId: 'SUP/7', created: false },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('reads the new id from Location when a create answers without a body', async () => {
    portal('k-1')
      .post('/v1/suppliers', { name: 'Crane' })
      .reply(201, '', { Location: `${api}/v1/suppliers/SUP-103` });
    expect(await write([op('k-1', { name: 'Crane' })])).toEqual([
      { ok: true, idempotencyKey: 'k-1', externalId: 'SUP-103', created: true },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('fails one bad record alone with the API message and field, and writes the rest', async () => {
    portal('k-1')
      .post('/v1/suppliers', { name: 'Acme' })
      .reply(201, { data: { id: 'SUP-101' } });
    portal('k-2')
      .post('/v1/suppliers', { name: 'Bolt', email: 'not-an-address' })
      .reply(422, fixture('problem-validation'), { 'Content-Type': 'application/problem+json' });
    portal('k-3').patch('/v1/suppliers/SUP-9', { name: 'Crane' }).reply(422, fixture('jsonapi-error'));
    portal('k-4')
      .post('/v1/suppliers', { name: 'Dyna' })
      .reply(201, { data: { id: 'SUP-104' } });
    const results = await write([
      op('k-1', { name: 'Acme' }),
      op('k-2', { name: 'Bolt', email: 'not-an-address' }),
      op('k-3', { name: 'Crane' }, 'SUP-9'),
      op('k-4', { name: 'Dyna' }),
    ]);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'k-1', externalId: 'SUP-101', created: true },
      {
        ok: false,
        idempotencyKey: 'k-2',
        error: {
          kind: 'invalid_data',
          code: 'http_422',
          message: 'POST /v1/suppliers: HTTP 422: The supplier email is not a valid address.',
          fieldPath: 'email',
        },
      },
      {
        ok: false,
        idempotencyKey: 'k-3',
        error: {
          kind: 'invalid_data',
          code: 'http_422',
          message: 'PATCH /v1/suppliers/SUP-9: HTTP 422: promisedDate must not be before the order date.',
          fieldPath: 'promisedDate',
        },
      },
      { ok: true, idempotencyKey: 'k-4', externalId: 'SUP-104', created: true },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('retries a 5xx with the same idempotency key and reports a persistent one as transient for that record', async () => {
    portal('k-1').post('/v1/suppliers', { name: 'Acme' }).reply(500, { message: 'database busy' });
    portal('k-1')
      .post('/v1/suppliers', { name: 'Acme' })
      .reply(201, { data: { id: 'SUP-101' } });
    portal('k-2').post('/v1/suppliers', { name: 'Bolt' }).times(3).reply(503, { message: 'maintenance' });
    const results = await write([op('k-1', { name: 'Acme' }), op('k-2', { name: 'Bolt' })]);
    expect(results[0]).toEqual({ ok: true, idempotencyKey: 'k-1', externalId: 'SUP-101', created: true });
    expect(results[1]).toEqual({
      ok: false,
      idempotencyKey: 'k-2',
      error: { kind: 'transient', code: 'http_503', message: 'POST /v1/suppliers: HTTP 503: maintenance' },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('keeps what a batch created when a long 429 stops it; the rest wait for Retry-After', async () => {
    portal('k-1')
      .post('/v1/suppliers', { name: 'Acme' })
      .reply(201, { data: { id: 'SUP-101' } });
    portal('k-2')
      .post('/v1/suppliers', { name: 'Bolt' })
      .reply(429, { message: 'too many writes' }, { 'Retry-After': '30' });
    const ops = [op('k-1', { name: 'Acme' }), op('k-2', { name: 'Bolt' }), op('k-3', { name: 'Crane' })];
    const results = await write(ops);
    const limited = {
      kind: 'rate_limited',
      code: 'http_429',
      message: 'POST /v1/suppliers: HTTP 429: too many writes',
      retryAfterMs: 30_000,
    };
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'k-1', externalId: 'SUP-101', created: true },
      { ok: false, idempotencyKey: 'k-2', error: limited },
      { ok: false, idempotencyKey: 'k-3', error: limited },
    ]);
    // The engine records SUP-101 and retries only Bolt and Crane, after the 30 s asked for.
    const sorted = sortResults(planned(ops), results);
    expect(sorted.done.map(({ result }) => result.externalId)).toEqual(['SUP-101']);
    expect(sorted.refused).toEqual([]);
    expect(batchRetryError(sorted.retryable, ops.length)).toMatchObject({ retryAfterMs: 30_000 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('leaves the ops an auth failure stopped without a result, so the engine retries them', async () => {
    portal('k-1')
      .post('/v1/suppliers', { name: 'Acme' })
      .reply(201, { data: { id: 'SUP-101' } });
    portal('k-2').post('/v1/suppliers', { name: 'Bolt' }).reply(401, { message: 'token revoked' });
    const ops = [op('k-1', { name: 'Acme' }), op('k-2', { name: 'Bolt' }), op('k-3', { name: 'Crane' })];
    const results = await write(ops);
    expect(results).toEqual([{ ok: true, idempotencyKey: 'k-1', externalId: 'SUP-101', created: true }]);
    // Filed as refused, an auth error would drop Bolt and Crane; without a result they are retried.
    const sorted = sortResults(planned(ops), results);
    expect(sorted.refused).toEqual([]);
    expect(sorted.retryable.map((error) => error.code)).toEqual(['no_write_result', 'no_write_result']);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('throws what stops the batch when nothing was written yet, so the whole batch is retried', async () => {
    portal('k-1')
      .post('/v1/suppliers', { name: 'Acme' })
      .reply(429, { message: 'too many writes' }, { 'Retry-After': '30' });
    const error = await write([op('k-1', { name: 'Acme' }), op('k-2', { name: 'Bolt' })]).catch(
      (caught) => caught,
    );
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('deletes through the delete template, and refuses a delete without a known id', async () => {
    portal('k-1').delete('/v1/suppliers/SUP-1').reply(204);
    const results = await write([
      { idempotencyKey: 'k-1', action: 'delete', canonicalId: 'c-1', externalId: 'SUP-1', record: {} },
      { idempotencyKey: 'k-2', action: 'delete', canonicalId: 'c-2', record: {} },
    ]);
    expect(results).toEqual([
      { ok: true, idempotencyKey: 'k-1', externalId: 'SUP-1', created: false },
      {
        ok: false,
        idempotencyKey: 'k-2',
        error: {
          kind: 'not_found',
          code: 'unknown_external_id',
          message: 'no suppliers id is known for c-2',
        },
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('names the record field a URL template misses', async () => {
    const byCode = makeConfig({
      streams: [{ ...stream, write: { update: { method: 'PUT', path: '/v1/suppliers/{code}' } } }],
    });
    const results = await rest.write(makeContext(byCode), 'suppliers', [
      op('k-1', { name: 'Acme' }, 'SUP-1'),
    ]);
    expect(results[0]).toEqual({
      ok: false,
      idempotencyKey: 'k-1',
      error: {
        kind: 'invalid_data',
        code: 'path_template_value',
        message: 'the URL /v1/suppliers/{code} needs a value for code',
        fieldPath: 'code',
      },
    });
  });

  // RFC 9457 writes its pointers as URI fragments ("#/terms/payment").
  it('names the field of a problem detail whose errors point into the request', async () => {
    const record = { name: 'Acme', terms: { payment: 'net90' }, leadTimeDays: -2 };
    portal('k-1')
      .post('/v1/suppliers', record)
      .reply(422, fixture('problem-errors-pointer'), { 'Content-Type': 'application/problem+json' });
    const [result] = await write([op('k-1', record)]);
    expect(result).toEqual({
      ok: false,
      idempotencyKey: 'k-1',
      error: {
        kind: 'invalid_data',
        code: 'http_422',
        message: "POST /v1/suppliers: HTTP 422: must be 'net30', 'net60' or 'prepaid'",
        fieldPath: 'terms.payment',
      },
    });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
