import { afterEach, describe, expect, it, vi } from 'vitest';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import type { ReadPage } from '../../../core/connector/types.ts';
import { enforceStrictNock } from '../../support/strict-nock.ts';
import { api, collect, fixture, idsOf, makeConfig, makeContext } from './harness.ts';

enforceStrictNock();
afterEach(() => vi.useRealTimers());

const companySearch = '/crm/v3/objects/companies/search';
const companyList = '/crm/v3/objects/companies';
const at = (iso: string) => Date.parse(iso);

interface ListPage {
  results: Array<{ id: string; archivedAt: string; properties: Record<string, string> }>;
  paging?: { next?: { after: string; link: string } };
}

const firstArchivedPage = () => fixture('companies-archived-1') as ListPage;
const lastArchivedPage = () => fixture('companies-archived-2') as ListPage;

function archivedCompany(id: string, archivedAt: string) {
  const [template] = lastArchivedPage().results;
  return { ...template!, id, properties: { ...template!.properties, hs_object_id: id }, archivedAt };
}

function noChangedCompanies() {
  api().post(companySearch).reply(200, { total: 0, results: [] });
}

function oneChangedCompany() {
  const [live] = (fixture('companies-search-2') as ListPage).results;
  api()
    .post(companySearch)
    .reply(200, { total: 1, results: [live] });
}

function serveArchived(first: ListPage, last: ListPage) {
  api().get(companyList).query({ archived: 'true', limit: '100' }).reply(200, first);
  api().get(companyList).query({ archived: 'true', limit: '100', after: '5012' }).reply(200, last);
}

function readAt(now: string, cursor: ReadPage['cursor'], overrides: Record<string, unknown> = {}) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at(now));
  return collect(hubspot.read(makeContext(makeConfig(overrides)), 'companies', cursor));
}

const deletedIn = (pages: ReadPage[]) => pages.flatMap((page) => page.deleted ?? []);

describe('HubSpot archived objects', () => {
  it('reads objects archived since a cursor saved without an archive position as deletes, page by page', async () => {
    noChangedCompanies();
    serveArchived(firstArchivedPage(), lastArchivedPage());
    const since = at('2024-05-02T09:00:00.000Z');
    const pages = await readAt('2024-05-03T12:00:00.000Z', { since, seen: [] });
    // 5010 was archived before the cursor's time: the hub had it deleted already, or never had it.
    expect(deletedIn(pages)).toEqual(['5011', '5013']);
    expect(idsOf(pages)).toEqual([]);
    expect(pages.at(-1)?.cursor).toMatchObject({ since, seen: [] });
  });

  it('delivers each archive once, and one made since in the next read', async () => {
    noChangedCompanies();
    serveArchived(firstArchivedPage(), lastArchivedPage());
    const first = await readAt('2024-05-03T12:00:00.000Z', {
      since: at('2024-05-02T09:00:00.000Z'),
      seen: [],
    });
    expect(deletedIn(first)).toEqual(['5011', '5013']);

    const later = lastArchivedPage();
    later.results.push(archivedCompany('5014', '2024-05-03T13:00:00.000Z'));
    noChangedCompanies();
    serveArchived(firstArchivedPage(), later);
    const second = await readAt('2024-05-03T14:00:00.000Z', first.at(-1)!.cursor);
    expect(deletedIn(second)).toEqual(['5014']);

    noChangedCompanies();
    serveArchived(firstArchivedPage(), later);
    const third = await readAt('2024-05-04T08:00:00.000Z', second.at(-1)!.cursor);
    expect(deletedIn(third)).toEqual([]);
  });

  it('still delivers an archive made on a page already read while the list was being read', async () => {
    const config = { overlapSeconds: 0 };
    const first = firstArchivedPage();
    first.results = [];
    const last = lastArchivedPage();
    last.results = [archivedCompany('5013', '2024-05-03T12:00:05.000Z')];
    noChangedCompanies();
    serveArchived(first, last);
    const since = at('2024-05-03T11:00:00.000Z');
    const pages = await readAt('2024-05-03T12:00:00.000Z', { since, seen: [] }, config);
    expect(deletedIn(pages)).toEqual(['5013']);

    // 5011 was archived during that read, after its page had been read: before 5013, the newest seen.
    first.results = [archivedCompany('5011', '2024-05-03T12:00:02.000Z')];
    noChangedCompanies();
    serveArchived(first, last);
    const next = await readAt('2024-05-03T13:00:00.000Z', pages.at(-1)!.cursor, config);
    expect(deletedIn(next)).toEqual(['5011']);
  });

  it('takes every archived object as deleted on a first read, and starts the next one from when the first began', async () => {
    oneChangedCompany();
    const last = lastArchivedPage();
    last.results = [archivedCompany('5013', '2024-05-03T11:58:00.000Z')];
    serveArchived(firstArchivedPage(), last);
    const first = await readAt('2024-05-03T12:00:00.000Z', null);
    expect(idsOf(first)).toEqual(['5002']);
    expect(deletedIn(first)).toEqual(['5010', '5011', '5013']);
    expect(first.at(-1)?.cursor).toMatchObject({
      archived: { since: at('2024-05-03T12:00:00.000Z'), seen: [] },
    });

    last.results.push(archivedCompany('5014', '2024-05-03T12:00:01.000Z'));
    noChangedCompanies();
    serveArchived(firstArchivedPage(), last);
    const next = await readAt('2024-05-03T13:00:00.000Z', first.at(-1)!.cursor);
    expect(deletedIn(next)).toEqual(['5014']);
  });

  it('delivers on a full read an object archived since the last incremental read', async () => {
    const before = lastArchivedPage();
    before.results = [];
    noChangedCompanies();
    serveArchived(firstArchivedPage(), before);
    const incremental = await readAt('2024-05-03T10:00:00.000Z', {
      since: at('2024-05-03T09:00:00.000Z'),
      seen: [],
    });
    expect(deletedIn(incremental)).toEqual([]);

    // 5013 is archived at 11:00; the full read at 12:00 starts without a cursor.
    const after = lastArchivedPage();
    after.results = [archivedCompany('5013', '2024-05-03T11:00:00.000Z')];
    oneChangedCompany();
    serveArchived(firstArchivedPage(), after);
    const full = await readAt('2024-05-03T12:00:00.000Z', null);
    expect(deletedIn(full)).toContain('5013');

    noChangedCompanies();
    serveArchived(firstArchivedPage(), after);
    const next = await readAt('2024-05-03T13:00:00.000Z', full.at(-1)!.cursor);
    expect(deletedIn(next)).toEqual([]);
  });

  it('keeps in the cursor of a page before the last only the archives the next window keeps', async () => {
    oneChangedCompany();
    const first = firstArchivedPage();
    first.results.push(archivedCompany('5012', '2024-05-03T11:59:30.000Z'));
    serveArchived(first, lastArchivedPage());
    const pages = await readAt('2024-05-03T12:00:00.000Z', null);
    const withDeletes = pages.filter((page) => page.deleted);
    expect(
      withDeletes.map((page) => [page.deleted, (page.cursor as { archived: unknown }).archived]),
    ).toEqual([
      [['5010', '5011', '5012'], { since: 0, seen: [`5012@${at('2024-05-03T11:59:30.000Z')}`] }],
      [['5013'], { since: at('2024-05-03T12:00:00.000Z'), seen: [`5012@${at('2024-05-03T11:59:30.000Z')}`] }],
    ]);
  });

  it('reads archives after a cursor stored before the overlap window', async () => {
    noChangedCompanies();
    serveArchived(firstArchivedPage(), lastArchivedPage());
    const since = at('2024-05-03T00:00:00.000Z');
    const pages = await readAt('2024-05-03T12:00:00.000Z', { since, idsAtSince: ['5002'] });
    expect(deletedIn(pages)).toEqual(['5013']);
  });
});
