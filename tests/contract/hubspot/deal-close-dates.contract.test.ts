import { describe, expect, it, vi } from 'vitest';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import type { WriteOp } from '../../../core/connector/types.ts';
import {
  applyMapping,
  compileMapping,
  loadDefaultMapping,
  type ReferenceResolver,
} from '../../../core/mapping/index.ts';
import { formatInZone } from '../../../core/mapping/parse-date.ts';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import {
  accountDetails,
  api,
  collect,
  dealUpdated,
  expectDealUpdate,
  fixture,
  makeConfig,
  makeContext,
  noArchived,
} from './harness.ts';

enforceStrictNock();

const dealSearch = '/crm/v3/objects/deals/search';
const resolver: ReferenceResolver = {
  toCanonical: (entity, id) => `${entity}:${id}`,
  toExternal: (_entity, id) => id.slice(id.indexOf(':') + 1),
};

type Deal = { id: string; properties: Record<string, string> };
interface SearchRequest {
  filterGroups: Array<{ filters: Array<{ value: string }> }>;
  limit: number;
  after?: string;
}

function deal(id: string, closedate: string, modified: string): Deal {
  const [template] = (fixture('deals-search') as { results: Deal[] }).results;
  return {
    ...template!,
    id,
    properties: { ...template!.properties, closedate, hs_lastmodifieddate: modified, hs_object_id: id },
  };
}

/** Deal search over `deals` (oldest change first, paged by `after`), every deal linked to company 5001, no archives. */
function serveDeals(deals: Deal[]) {
  const requests: SearchRequest[] = [];
  noArchived('deals');
  api()
    .persist()
    .post(dealSearch, (body: SearchRequest) => Boolean(requests.push(body)))
    .reply(() => {
      const request = requests[requests.length - 1]!;
      const since = request.filterGroups[0]?.filters[0]?.value;
      const modified = (item: Deal) => Date.parse(item.properties.hs_lastmodifieddate!);
      const matching = deals.filter((item) => since === undefined || modified(item) >= Number(since));
      const offset = Number(request.after ?? 0);
      const end = offset + request.limit;
      const paging = end < matching.length ? { paging: { next: { after: String(end) } } } : {};
      return [200, { total: matching.length, results: matching.slice(offset, end), ...paging }];
    });
  const inputs: Array<Array<{ id: string }>> = [];
  api()
    .persist()
    .post('/crm/v4/associations/deals/companies/batch/read', (body: { inputs: Array<{ id: string }> }) =>
      Boolean(inputs.push(body.inputs)),
    )
    .reply(() => [
      200,
      {
        status: 'COMPLETE',
        results: inputs.at(-1)!.map(({ id }) => ({
          from: { id },
          to: [{ toObjectId: 5001, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 5 }] }],
        })),
      },
    ]);
  api()
    .persist()
    .post('/crm/v4/associations/deals/line_items/batch/read')
    .reply(200, { status: 'COMPLETE', results: [] });
}

async function closeDatesOf(records: unknown[]) {
  const compiled = compileMapping(await loadDefaultMapping('hubspot', 'deals', 'in'));
  const dates: unknown[] = [];
  for (const record of records) {
    const result = await applyMapping(compiled, record as Record<string, unknown>, { resolver });
    expect(result.errors).toEqual([]);
    dates.push(result.value.closeDate);
  }
  return dates;
}

/** Writes `closedate` to deal 9001 in a portal in `timeZone`; answers with the instant HubSpot was sent. */
async function writeCloseDay(timeZone: string, closedate: string): Promise<string> {
  const ctx = makeContext(makeConfig());
  accountDetails(timeZone);
  const op: WriteOp = {
    idempotencyKey: `hubspot:deals:opp-1:${timeZone}:${closedate}`,
    action: 'upsert',
    canonicalId: 'opp-1',
    externalId: '9001',
    record: { dealname: 'Acme - 500 housings', dealstage: 'contractsent', closedate },
  };
  const sent = expectDealUpdate(op.idempotencyKey);
  expect(await hubspot.write(ctx, 'deals', [op])).toEqual([
    { ok: true, idempotencyKey: op.idempotencyKey, externalId: '9001', created: false },
  ]);
  return sent()!.closedate!;
}

describe('HubSpot deal close dates', () => {
  it('takes a deal closing at 23:30 in the portal’s time zone as that day, asking for the zone once a read', async () => {
    const ctx = makeContext(makeConfig({ pageSize: 1 }));
    serveDeals([
      deal('9001', '2024-07-01T04:30:00.000Z', '2024-05-02T08:00:00.000Z'),
      deal('9002', '2024-07-01T05:00:00.000Z', '2024-05-02T08:30:00.000Z'),
    ]);
    accountDetails('America/Chicago');
    const pages = await collect(hubspot.read(ctx, 'deals', null));
    expect(pages.filter((page) => page.records.length > 0)).toHaveLength(2);
    const records = pages.flatMap((page) => page.records);
    expect(records.map((record) => (record as { portal_time_zone: string }).portal_time_zone)).toEqual([
      'America/Chicago',
      'America/Chicago',
    ]);
    expect(await closeDatesOf(records)).toEqual(['2024-06-30', '2024-07-01']);
  });

  it('takes close dates as days in UTC, with a warning, when HubSpot refuses the account details', async () => {
    const ctx = makeContext(makeConfig());
    const warn = vi.spyOn(ctx.logger, 'warn');
    serveDeals([deal('9001', '2024-07-01T04:30:00.000Z', '2024-05-02T08:00:00.000Z')]);
    api().get('/account-info/v3/details').reply(403, fixture('error-missing-scopes'));
    const pages = await collect(hubspot.read(ctx, 'deals', null));
    expect(await closeDatesOf(pages.flatMap((page) => page.records))).toEqual(['2024-07-01']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/time zone.*MISSING_SCOPES.*UTC/));
    warn.mockRestore();
  });

  it('writes a close day as the start of that day in the portal’s time zone, which reads back as the same day', async () => {
    const ctx = makeContext(makeConfig());
    accountDetails('America/Chicago');
    const op: WriteOp = {
      idempotencyKey: 'hubspot:deals:opp-1:3',
      action: 'upsert',
      canonicalId: 'opp-1',
      externalId: '9001',
      record: { dealname: 'Acme - 500 housings', dealstage: 'contractsent', closedate: '2024-06-30' },
    };
    const sent = { ...op.record, closedate: '2024-06-30T05:00:00.000Z', hub_id: 'opp-1' };
    api()
      .post('/crm/v3/objects/deals/batch/update', {
        inputs: [{ id: '9001', properties: sent, objectWriteTraceId: op.idempotencyKey }],
      })
      .reply(200, dealUpdated(sent, op.idempotencyKey));
    expect(await hubspot.write(ctx, 'deals', [op])).toEqual([
      { ok: true, idempotencyKey: op.idempotencyKey, externalId: '9001', created: false },
    ]);
    const readBack = { ...deal('9001', sent.closedate, '2024-05-02T09:00:00.000Z'), company_id: '5001' };
    expect(
      await closeDatesOf([{ ...readBack, line_items: [], portal_time_zone: 'America/Chicago' }]),
    ).toEqual(['2024-06-30']);
  });

  // Where summer time starts at midnight, that day has no 00:00: it starts at the change, 01:00.
  // Where it ends at midnight (Santiago, April), the hour before midnight comes twice, 00:00 once.
  it.each([
    ['America/Santiago', '2024-09-08', '2024-09-08T04:00:00.000Z'],
    ['America/Havana', '2024-03-10', '2024-03-10T05:00:00.000Z'],
    ['America/Asuncion', '2023-10-01', '2023-10-01T04:00:00.000Z'],
    ['Atlantic/Azores', '2024-03-31', '2024-03-31T01:00:00.000Z'],
    ['America/Chicago', '2024-03-10', '2024-03-10T06:00:00.000Z'],
    ['America/Chicago', '2024-06-30', '2024-06-30T05:00:00.000Z'],
    ['America/Santiago', '2024-04-07', '2024-04-07T04:00:00.000Z'],
  ])(
    'writes %s’s %s as the first instant of that day, which reads back as the same day',
    async (timeZone, day, start) => {
      const sent = await writeCloseDay(timeZone, day);
      expect({ sent, dayBefore: formatInZone(Date.parse(sent) - 1, timeZone).slice(0, 10) < day }).toEqual({
        sent: start,
        dayBefore: true,
      });
      const readBack = { ...deal('9001', sent, '2024-05-02T09:00:00.000Z'), company_id: '5001' };
      expect(await closeDatesOf([{ ...readBack, line_items: [], portal_time_zone: timeZone }])).toEqual([
        day,
      ]);
    },
  );
});
