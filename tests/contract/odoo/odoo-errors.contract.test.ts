import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, createOdooRpc } from '../../../connectors/odoo/client.ts';
import { classifyOdooFault } from '../../../connectors/odoo/errors.ts';
import { hubErrorOf as failureOf } from '../../support/hub-error-of.ts';
import { expectRpc, loadFixture, odooContext, odooOrigin, replay, withCachedUid } from './replay.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** Replays a recorded execute_kw with the user, password and arguments it was recorded with. */
async function replayExecuteKw(number: string, login = { username: 'admin', apiKey: 'admin', uid: 2 }) {
  replay(number);
  const [, , , model, method, args, kwargs] = loadFixture(number).request.body.params.args as [
    string,
    number,
    string,
    string,
    string,
    unknown[],
    Record<string, unknown> | undefined,
  ];
  const ctx = await withCachedUid(odooContext({ username: login.username, apiKey: login.apiKey }), login.uid);
  return failureOf(createOdooClient(ctx).executeKw(model, method, args, kwargs));
}

describe('odoo fault classification (recorded faults)', () => {
  it('a model whose module is not installed is a configuration problem', async () => {
    const error = await replayExecuteKw('80');
    expect(error).toMatchObject({ kind: 'config', code: 'odoo_unknown_model', retryable: false });
  });

  it('an unknown field is invalid data naming the field', async () => {
    const error = await replayExecuteKw('81');
    expect(error).toMatchObject({
      kind: 'invalid_data',
      code: 'odoo_invalid_field',
      fieldPath: 'no_such_field',
    });
  });

  it('AccessError is a permanent auth problem, and the traceback stays out of the message', async () => {
    const error = await replayExecuteKw('85', { username: 'portal', apiKey: 'portal', uid: 7 });
    expect(error).toMatchObject({ kind: 'auth', code: 'odoo_access_error', retryable: false });
    expect(error.message).toContain("You are not allowed to access 'Manufacturing Order'");
    expect(error.message).not.toContain('Traceback');
    expect(error.details.odooException).toBe('odoo.exceptions.AccessError');
  });

  it('a protocol fault (unknown method) is a system error, not retried', async () => {
    replay('95');
    const error = await failureOf(createOdooRpc(odooContext()).call('common', 'nope', [], 'common.nope'));
    expect(error).toMatchObject({ kind: 'system', code: 'odoo_server_error', retryable: false });
  });

  it('HTTP 400 with an HTML body is Odoo refusing the envelope: a system error, not retried', async () => {
    const recorded = loadFixture('92').response;
    nock(odooOrigin)
      .post('/jsonrpc')
      .reply(recorded.status, recorded.body as string, recorded.headers);
    const error = await failureOf(
      createOdooRpc(odooContext()).call('common', 'version', [], 'common.version'),
    );
    expect(error).toMatchObject({ kind: 'system', code: 'odoo_bad_request' });
  });
});

describe('odoo transient failures', () => {
  it.each([
    'psycopg2.errors.SerializationFailure',
    'psycopg2.errors.LockNotAvailable',
    'psycopg2.errors.DeadlockDetected',
    'odoo.exceptions.ConcurrencyError',
  ])('%s, raised once Odoo gave up retrying a concurrent update, is transient', (name) => {
    const fault = {
      code: 200,
      message: 'Odoo Server Error',
      data: { name, message: 'could not obtain lock on row in relation "res_partner"' },
    };
    expect(classifyOdooFault(fault, 'res.partner.write')).toMatchObject({
      kind: 'transient',
      code: 'odoo_concurrent_update',
      retryable: true,
    });
  });

  it('a 502 from the proxy in front of Odoo is transient after the in-request retries', async () => {
    nock(odooOrigin)
      .post('/jsonrpc')
      .times(3)
      .reply(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' });
    const error = await failureOf(
      createOdooRpc(odooContext()).call('common', 'version', [], 'common.version'),
    );
    expect(error).toMatchObject({ kind: 'transient', code: 'http_502', retryable: true });
  });

  it('a timeout is transient', async () => {
    const version = loadFixture('00').response;
    // The answer comes only after the client gave up waiting.
    nock(odooOrigin)
      .post('/jsonrpc')
      .times(3)
      .reply(async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return [version.status, version.body as nock.Body, version.headers];
      });
    const error = await failureOf(
      createOdooRpc(odooContext({ timeoutMs: 50 })).call('common', 'version', [], 'common.version'),
    );
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it('a transient failure on one record of a batch leaves the others written', async () => {
    const ctx = await withCachedUid(odooContext());
    // One 503 only: a write is not re-sent in-request (its line commands could act twice).
    nock(odooOrigin).post('/jsonrpc').reply(503, 'Service Unavailable');
    replay('51');
    const { odooConnector } = await import('../../../connectors/odoo/index.ts');
    const results = await odooConnector.write(ctx, 'customers', [
      {
        idempotencyKey: 'k1',
        action: 'upsert',
        canonicalId: 'a',
        externalId: '44',
        record: { phone: '+1 555 0100' },
      },
      {
        idempotencyKey: 'k2',
        action: 'upsert',
        canonicalId: 'b',
        externalId: '45',
        record: { phone: '+86 574 8688 1234' },
      },
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: { kind: 'transient', code: 'http_503' } });
    expect(results[1]).toMatchObject({ ok: true, externalId: '45' });
  });
});

describe('odoo refused values', () => {
  // Odoo's selection and many2one fields refuse a value with "Wrong value for <model>.<field>: <value>".
  it('a value a selection field does not offer fails its record alone, naming the field', async () => {
    const ctx = await withCachedUid(odooContext());
    const message = "Wrong value for res.partner.company_type: 'partnership'";
    const params = {
      service: 'object',
      method: 'execute_kw',
      args: ['demo', 2, 'admin', 'res.partner', 'write', [[44], { company_type: 'partnership' }]],
    };
    expectRpc(params, {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: {
        jsonrpc: '2.0',
        id: null,
        error: {
          code: 200,
          message: 'Odoo Server Error',
          data: {
            name: 'builtins.ValueError',
            debug: `Traceback (most recent call last):\nValueError: ${message}\n`,
            message,
            arguments: [message],
            context: {},
          },
        },
      },
    });
    const { odooConnector } = await import('../../../connectors/odoo/index.ts');
    const [result] = await odooConnector.write(ctx, 'customers', [
      {
        idempotencyKey: 'k1',
        action: 'upsert',
        canonicalId: 'a',
        externalId: '44',
        record: { company_type: 'partnership' },
      },
    ]);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'invalid_data', code: 'odoo_invalid_value', fieldPath: 'company_type' },
    });
  });
});
