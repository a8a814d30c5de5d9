import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryState } from '../../core/connector/index.ts';
import type { ConnectionState, WriteOp } from '../../core/connector/types.ts';
import { logger } from '../../core/log/index.ts';
import { expectDealUpdate } from '../../tests/contract/hubspot/harness.ts';
import { createHubspotClient } from './client.ts';
import { type HubspotConfig, hubspotConfigSchema } from './config.ts';
import { hubspot } from './index.ts';
import { portalTimeZone, portalTimeZoneLifetimeMs } from './portal-time-zone.ts';

// No request leaves the process, and every call a test expects is made: an extra one finds no answer.
beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const baseUrl = 'https://api.hubapi.com';
const token = 'pat-na1-11111111-2222-3333-4444-555555555555';
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`__fixtures__/${name}.json`, import.meta.url), 'utf8'));

function configWith(overrides: Record<string, unknown> = {}): HubspotConfig {
  return hubspotConfigSchema.parse({ auth: { type: 'private_app', accessToken: token }, ...overrides });
}

/** One connection: each job builds its context and client afresh, over the connection's state. */
function connection(config = configWith()) {
  const state = createMemoryState();
  let clock = Date.parse('2024-05-02T08:00:00.000Z');
  return {
    advance: (ms: number) => {
      clock += ms;
    },
    job: (jobConfig = config) => {
      // No DNS here; nock answers every call.
      const ctx = { connectionId: 'hs-1', config: jobConfig, logger, state, allowPrivateNetwork: true };
      return portalTimeZone(ctx, createHubspotClient(ctx), () => clock)();
    },
  };
}

/** GET /account-info/v3/details, once, for a portal in `timeZone`. */
function accountDetails(timeZone: string, accessToken = token, host = baseUrl) {
  nock(host, { reqheaders: { authorization: `Bearer ${accessToken}` } })
    .get('/account-info/v3/details')
    .reply(200, { ...fixture('account-details'), timeZone });
}

describe('HubSpot portal time zone, kept per connection', () => {
  it('asks once for two jobs on the same connection', async () => {
    const portal = connection();
    accountDetails('America/Chicago');
    expect(await portal.job()).toBe('America/Chicago');
    portal.advance(portalTimeZoneLifetimeMs - 1);
    expect(await portal.job()).toBe('America/Chicago');
  });

  it('asks again once the zone it kept is an hour old, and keeps the new one', async () => {
    const portal = connection();
    accountDetails('America/Chicago');
    expect(await portal.job()).toBe('America/Chicago');
    portal.advance(portalTimeZoneLifetimeMs);
    accountDetails('America/Denver');
    expect(await portal.job()).toBe('America/Denver');
    expect(await portal.job()).toBe('America/Denver');
  });

  it('asks again when the zone was kept at a time still to come on this clock', async () => {
    const portal = connection();
    accountDetails('America/Chicago');
    expect(await portal.job()).toBe('America/Chicago');
    portal.advance(-portalTimeZoneLifetimeMs);
    accountDetails('America/Denver');
    expect(await portal.job()).toBe('America/Denver');
  });

  it.each([
    [
      'another access token',
      { auth: { type: 'private_app', accessToken: 'pat-na1-other' } },
      'pat-na1-other',
      baseUrl,
    ],
    ['another base URL', { baseUrl: 'https://api.hubapi.eu' }, token, 'https://api.hubapi.eu'],
  ])('asks again when the connection is given %s', async (_change, overrides, accessToken, host) => {
    const portal = connection();
    accountDetails('America/Chicago');
    expect(await portal.job()).toBe('America/Chicago');
    accountDetails('Europe/Berlin', accessToken, host);
    expect(await portal.job(configWith(overrides))).toBe('Europe/Berlin');
  });

  it('asks again at the next job after HubSpot refused the account details', async () => {
    const portal = connection();
    nock(baseUrl).get('/account-info/v3/details').reply(403, fixture('error-missing-scopes'));
    expect(await portal.job()).toBe('UTC');
    accountDetails('America/Chicago');
    expect(await portal.job()).toBe('America/Chicago');
  });

  it('asks again at the next job after the account details named a zone the hub does not know', async () => {
    const portal = connection();
    accountDetails('Mars/Olympus_Mons');
    expect(await portal.job()).toBe('UTC');
    accountDetails('America/Chicago');
    expect(await portal.job()).toBe('America/Chicago');
  });

  it('asks again at the next job after the call failed', async () => {
    const portal = connection();
    nock(baseUrl).get('/account-info/v3/details').reply(401, fixture('error-expired-authentication'));
    await expect(portal.job()).rejects.toMatchObject({ kind: 'auth' });
    accountDetails('America/Chicago');
    expect(await portal.job()).toBe('America/Chicago');
  });
});

/** A write of deal 9001's close day, with HubSpot's batch update answer; the instant sent. */
async function writeCloseDay(state: ConnectionState, key: string): Promise<string | undefined> {
  const ctx = { connectionId: 'hs-1', config: configWith(), logger, state, allowPrivateNetwork: true };
  const op: WriteOp = {
    idempotencyKey: key,
    action: 'upsert',
    canonicalId: 'opp-1',
    externalId: '9001',
    record: { dealname: 'Acme - 500 housings', closedate: '2024-06-30' },
  };
  const sent = expectDealUpdate(key);
  await hubspot.write(ctx, 'deals', [op]);
  return sent()?.closedate;
}

describe('HubSpot deal writes', () => {
  it('ask for the portal time zone once across two write jobs on the same connection', async () => {
    const state = createMemoryState();
    accountDetails('America/Chicago');
    expect(await writeCloseDay(state, 'hubspot:deals:opp-1:1')).toBe('2024-06-30T05:00:00.000Z');
    expect(await writeCloseDay(state, 'hubspot:deals:opp-1:2')).toBe('2024-06-30T05:00:00.000Z');
  });
});
