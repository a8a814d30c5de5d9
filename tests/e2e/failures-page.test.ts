import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveMappingOverride } from '../../core/sync/mapping-source.ts';
import { runSync } from '../../core/sync/run-sync.ts';
import { memoryConnector, memorySystem } from '../support/memory-system.ts';
import { launchBrowser, screenshot } from './browser.ts';
import { ADMIN, startE2eHub } from './e2e-hub.ts';

type E2eHub = Awaited<ReturnType<typeof startE2eHub>>;

async function addConnection(hub: E2eHub, id: string, system: string) {
  await hub.test.hub.store.connections.save(
    { id, kind: 'memory', name: id, config: { system } },
    memoryConnector.configSchema,
  );
}

/** A contacts stream whose vendor keeps its fields under `properties`, as HubSpot does. */
async function nestedContacts(hub: E2eHub, system: string) {
  await addConnection(hub, 'crm-nested', system);
  await saveMappingOverride(
    hub.test.hub.store.db,
    { id: 'crm-nested', kind: 'memory' },
    'contacts',
    'in',
    'fields:\n  lastName: { from: properties.lastname, required: true }\n  email: { expr: "properties.email" }\n',
    'e2e',
    hub.test.hub.mappingsRoot,
  );
  memorySystem(system).put('contacts', {
    id: 'HS-1',
    properties: { lastname: 'Chen', email: 'wei.chen at example' },
  });
  await runSync(hub.test.hub, { connectionId: 'crm-nested', stream: 'contacts' });
}

/** 150 failed customers, 30 of them resolved by a later run: 120 open. */
async function manyFailures(hub: E2eHub, system: string) {
  await addConnection(hub, 'crm-paged', system);
  for (let n = 1; n <= 150; n++)
    memorySystem(system).put('customers', { id: `C${n}`, name: `Customer ${n}`, email: `bad address ${n}` });
  await runSync(hub.test.hub, { connectionId: 'crm-paged', stream: 'customers' });
  await fixCustomers(hub, system, 1, 30);
}

async function fixCustomers(hub: E2eHub, system: string, from: number, to: number) {
  for (let n = from; n <= to; n++)
    memorySystem(system).put('customers', { id: `C${n}`, email: `c${n}@example.com` });
  await runSync(hub.test.hub, { connectionId: 'crm-paged', stream: 'customers' });
}

describe('failures and runs pages in a browser', () => {
  let hub: E2eHub;
  let browser: BrowserContext;
  let page: Page;
  const pagedSystem = `e2e-paged-${Date.now()}`;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    hub = await startE2eHub();
    await nestedContacts(hub, `e2e-nested-${Date.now()}`);
    await manyFailures(hub, pagedSystem);
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(hub.url);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('button[type=submit]');
    await page.getByTestId('me').waitFor();
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await hub?.stop();
  });

  it('marks the failing canonical field of an inbound failure in the mapped payload, not as missing', async () => {
    await page.goto(`${hub.url}/#/failures?connection=crm-nested`);
    await page.getByTestId('failure-row').first().click();
    const detail = page.getByTestId('failure-detail');
    await expect.poll(() => detail.textContent()).toContain('wei.chen at example');
    expect(await detail.textContent()).not.toContain('missing from');
    expect(await detail.getByTestId('failing-field').count()).toBe(1);
    expect(await detail.getByTestId('mapped-payload').getByTestId('failing-field').textContent()).toBe(
      '"wei.chen at example"',
    );
    expect(await detail.getByTestId('raw-payload').textContent()).toContain('"properties"');
    await screenshot(page, '20-failure-mapped-field');
  });

  it('pages through every failure, opens one past the first hundred, and counts what replay-all takes', async () => {
    await page.goto(`${hub.url}/#/failures?connection=crm-paged`);
    await page.getByTestId('failure-row').nth(99).waitFor();
    // The page is not reloaded: the filter box still has to follow the address.
    expect(await page.inputValue('input[name=connection]')).toBe('crm-paged');
    const replayAll = page.getByTestId('replay-matching');
    await expect.poll(() => replayAll.textContent()).toBe('Replay all matching (120)');
    expect(await page.getByTestId('pager').count()).toBe(1);
    const range = page.getByTestId('page-range');
    await expect.poll(() => range.textContent()).toBe('Showing 1–100 of 150');
    expect(await page.getByTestId('failure-row').count()).toBe(100);
    expect(await page.locator('[data-testid=failures] th').allTextContents()).toEqual([
      'State',
      'Connection / Stream',
      'Error class',
      'Message',
      'Last seen',
    ]);
    // Before a failure is opened, the list has the page's whole width.
    const list = await page.getByTestId('failures').boundingBox();
    const section = await page.locator('section').first().boundingBox();
    expect(list!.width).toBeGreaterThan(section!.width * 0.9);

    await page.getByTestId('page-next').click();
    await expect.poll(() => range.textContent()).toBe('Showing 101–150 of 150');
    expect(await page.getByTestId('failure-row').count()).toBe(50);
    expect(await page.getByTestId('page-next').isDisabled()).toBe(true);

    const row = page.getByTestId('failure-row').last();
    const message = await row.locator('td.message').textContent();
    await row.click();
    await expect.poll(() => page.getByTestId('failure-detail').textContent()).toContain(message);
    expect(page.url()).toContain('offset=100');
    expect(await range.textContent()).toBe('Showing 101–150 of 150');
    await screenshot(page, '21-failures-page-2');

    // The count is polled: failures resolved by a later run leave it.
    await fixCustomers(hub, pagedSystem, 31, 40);
    await expect.poll(() => replayAll.textContent(), { timeout: 10_000 }).toBe('Replay all matching (110)');

    await page.getByTestId('page-previous').click();
    await expect.poll(() => range.textContent()).toBe('Showing 1–100 of 150');
  });

  it('pages through the sync runs', async () => {
    await hub.test.hub.store.db.query(
      `INSERT INTO sync_runs (id, connection_id, stream, mode, status, started_at, finished_at)
       SELECT gen_random_uuid(), 'crm-nested', 'contacts', 'incremental', 'succeeded',
              now() - n * interval '1 minute', now() - n * interval '1 minute'
       FROM generate_series(1, 120) AS n`,
    );
    const { rows } = await hub.test.hub.store.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sync_runs',
    );
    const total = rows[0]!.n;
    await page.goto(`${hub.url}/#/runs`);
    const runRows = page.getByTestId('runs').locator('tbody tr');
    await runRows.nth(99).waitFor();
    expect(await page.getByTestId('pager').count()).toBe(1);
    const range = page.getByTestId('page-range');
    await expect.poll(() => range.textContent()).toBe(`Showing 1–100 of ${total}`);
    await page.getByTestId('page-next').click();
    await expect.poll(() => range.textContent()).toBe(`Showing 101–${total} of ${total}`);
    expect(await runRows.count()).toBe(total - 100);
  });

  it('shows why a run is partial, the fields that drifted and how long it took, and filters by status', async () => {
    const { rows } = await hub.test.hub.store.db.query<{ id: string }>(
      `INSERT INTO sync_runs (id, connection_id, stream, mode, status, status_reason, schema_drift, started_at, finished_at)
       VALUES (gen_random_uuid(), 'crm-quota', 'contacts', 'incremental', 'partial', 'quota',
               '{"added": ["properties.fax"], "removed": ["properties.phone"]}', now(), now() + interval '12.4 seconds')
       RETURNING id`,
    );
    await page.goto(`${hub.url}/#/runs?status=partial&connection=crm-quota`);
    expect(await page.inputValue('input[name=connection]')).toBe('crm-quota');
    const row = page.getByTestId('run-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('run-status').textContent()).toBe('partial · quota');
    expect(await row.getByTestId('run-drift').textContent()).toBe('Schema drift');
    expect(await row.locator('td').last().textContent()).toBe('12.4 s');

    await row.click();
    const detail = page.getByTestId('run-detail');
    await expect
      .poll(() => detail.getByTestId('run-drift-fields').textContent())
      .toBe('Schema driftFields added: properties.faxFields removed: properties.phone');
    expect(page.url()).toContain(`id=${rows[0]!.id}`);
    // The detail opens beside the list, not under a hundred rows.
    const list = await page.getByTestId('runs').boundingBox();
    const card = await detail.boundingBox();
    expect(card!.x).toBeGreaterThan(list!.x + list!.width - 1);
    await screenshot(page, '22-partial-run');

    await page.selectOption('select[name=status]', 'succeeded');
    await expect.poll(() => row.count()).toBe(0);
  });
});
