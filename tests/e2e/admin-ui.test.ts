import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeTocCommand } from '../../core/toc/command.ts';
import { findTocCommand } from '../../core/toc/registry.ts';
import {
  clearGolden,
  type GoldenFixture,
  purchasedBolt,
  seedGolden,
} from '../../core/toc/services/golden-fixture.ts';
import { runTocService } from '../../core/toc/services/registry.ts';
import { memorySystem } from '../support/memory-system.ts';
import { launchBrowser, screenshot } from './browser.ts';
import { ADMIN, startE2eHub } from './e2e-hub.ts';

// biome-ignore lint/suspicious/noExplicitAny: engine answers are compared field by field below
async function engine(name: string): Promise<any> {
  return executeTocCommand(
    findTocCommand(name),
    JSON.parse(readFileSync(`core/toc/examples/${name}.json`, 'utf8')),
  );
}

const attr = (page: Page, selector: string, name: string) =>
  page.locator(selector).evaluateAll((nodes, key) => nodes.map((node) => node.getAttribute(key)), name);

describe('admin UI in a browser', () => {
  let hub: Awaited<ReturnType<typeof startE2eHub>>;
  let browser: BrowserContext;
  let page: Page;
  const systemName = `e2e-crm-${Date.now()}`;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    hub = await startE2eHub();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await hub?.stop();
  });

  it('signs in, creates a connection, finds a failed sync, fixes its mapping, replays it and sees it resolved', async () => {
    await page.goto(hub.url);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await screenshot(page, '01-login');
    await page.click('button[type=submit]');
    await page.getByTestId('me').waitFor();
    expect(await page.getByTestId('me').textContent()).toContain('admin@example.com');

    await page.getByTestId('new-connection').click();
    const form = page.getByTestId('connection-form');
    await form.locator('select[name=kind]').selectOption('memory');
    await form.locator('input[name=id]').fill('crm-e2e');
    await form.locator('input[name=name]').fill('E2E CRM');
    await form.locator('input[name=system]').fill(systemName);
    await form.locator('input[name=webhookSecret]').fill('whsec-e2e-secret-77');
    await screenshot(page, '02-connection-form');
    await form.locator('button[type=submit]').click();
    const card = page.getByTestId('connection-crm-e2e');
    await card.waitFor();
    expect(await page.content()).not.toContain('whsec-e2e-secret-77');

    // Paused with a reason (asked in a prompt), shown with the status, and resumed.
    page.once('dialog', (dialog) => dialog.accept('ERP maintenance'));
    await card.getByTestId('pause-crm-e2e').click();
    await card.getByText('ERP maintenance').waitFor();
    expect(await card.getByTestId('status-crm-e2e').textContent()).toBe('paused');
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByRole('button', { name: 'Pause' }).waitFor();
    expect(await card.textContent()).not.toContain('ERP maintenance');
    expect(await card.getByTestId('status-crm-e2e').textContent()).toBe('active');
    await card.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('crm-e2e: Connection works');

    memorySystem(systemName).put('customers', { id: 'N1', email: 'buyer@nameless.example' });
    await card
      .getByRole('row', { name: /customers/ })
      .getByRole('button', { name: 'Run now' })
      .click();
    // The stream's row shows its last run: partial, as a record failed, never plain success.
    await expect
      .poll(() => card.getByTestId('last-run-crm-e2e-customers').textContent(), { timeout: 15_000 })
      .toMatch(/^partial/);
    expect(await card.getByRole('row', { name: /contacts/ }).textContent()).toContain('–');
    await page.getByTestId('nav-failures').click();
    const row = page.getByTestId('failure-row').first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    const detail = page.getByTestId('failure-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('failure-state').textContent()).toBe('open');
    expect(await detail.getByTestId('failing-key').textContent()).toBe('"name"');
    await screenshot(page, '03-failed-sync');
    const failureUrl = page.url();

    await detail.getByTestId('fix-mapping').click();
    const editor = page.getByTestId('mapping-editor');
    await editor.waitFor();
    await editor
      .locator('textarea[name=override]')
      .fill('fields:\n  name: { expr: "$exists(name) ? name : \'Unnamed \' & id", required: true }\n');
    await expect.poll(() => editor.getByTestId('mapping-validity').textContent()).toBe('Valid');
    await expect.poll(() => editor.locator('textarea[name=sample]').inputValue()).toContain('nameless');
    // The unedited payload of the failure is dry-run as the failure itself, which the hub maps as a run would.
    const dryRunRequest = page.waitForRequest((request) => request.url().includes('/dry-run'));
    await editor.getByTestId('dry-run').click();
    expect((await dryRunRequest).postDataJSON()).toEqual({
      yaml: expect.any(String),
      failureId: expect.any(String),
    });
    await editor.getByTestId('dry-run-result').waitFor();
    expect(await editor.getByTestId('dry-run-result').textContent()).toContain('Unnamed N1');
    await editor.getByTestId('save-mapping').click();
    await expect.poll(() => editor.getByTestId('mapping-message').textContent()).toContain('v2');
    await screenshot(page, '04-mapping-fixed');
    expect(await page.locator('[data-testid=mappings] th').allTextContents()).toEqual([
      'Connection',
      'Stream',
      'Direction',
      'Entity',
      'Version',
    ]);

    await page.goto(failureUrl);
    await page.getByTestId('replay-one').click();
    await expect
      .poll(() => page.getByTestId('failure-state').textContent(), { timeout: 15_000 })
      .toBe('resolved');
    await expect.poll(() => page.getByTestId('count-open').textContent()).toBe('open: 0');
    await screenshot(page, '05-resolved');
  });

  it('switches to Chinese and back', async () => {
    await page.goto(`${hub.url}/#/connections`);
    await page.getByTestId('lang').click();
    expect(await page.getByTestId('nav-failures').textContent()).toBe('同步失败');
    await screenshot(page, '06-chinese');
    await page.getByTestId('lang').click();
    expect(await page.getByTestId('nav-failures').textContent()).toBe('Failed syncs');
  });

  it('opens a page from its path address, as the demo prints its links', async () => {
    await page.goto(`${hub.url}/toc?board=drum`);
    await page.getByTestId('board-drum').waitFor();
    expect(new URL(page.url()).hash).toBe('#/toc?board=drum');
    expect(await page.getByTestId('nav-toc').getAttribute('class')).toBe('active');
    expect(await page.getByTestId('board-drum').getAttribute('class')).toBe('active');
  });

  async function openBoard(key: string) {
    await page.goto(`${hub.url}/#/toc?board=${key}&source=example`);
    await page.getByTestId(`board-${key}`).waitFor();
    await page.getByTestId('board').locator('*').first().waitFor();
  }

  it('renders the buffer board as the buffers engine answers', async () => {
    const answer = await engine('buffers');
    await openBoard('buffers');
    await page.getByTestId('buffer-item').first().waitFor();
    const ids = await attr(page, '[data-testid=buffer-item]', 'data-id');
    const colours = await attr(page, '[data-testid=buffer-item]', 'data-color');
    const rendered = Object.fromEntries(ids.map((id, index) => [id, colours[index]]));
    expect(rendered).toEqual(
      Object.fromEntries(
        answer.items.map((item: { id: string; executionPriority: string }) => [
          item.id,
          item.executionPriority,
        ]),
      ),
    );
    await screenshot(page, '10-buffer-board');
  });

  it('renders the drum Gantt with a rope marker on each release date', async () => {
    const answer = await engine('schedule');
    await openBoard('drum');
    await page.getByTestId('drum-bar').first().waitFor();
    expect(await page.getByTestId('drum-constraint').textContent()).toBe(answer.constraint);
    expect(await attr(page, '[data-testid=drum-bar]', 'data-order')).toEqual(
      answer.drum.map((slot: { order: string }) => slot.order),
    );
    expect(await attr(page, '[data-testid=drum-bar]', 'data-start')).toEqual(
      answer.drum.map((slot: { start: string }) => slot.start),
    );
    const releases = new Map(
      answer.orders.map((order: { id: string; releaseDate: string }) => [order.id, order.releaseDate]),
    );
    const ropeOrders = await attr(page, '[data-testid=rope-marker]', 'data-order');
    const ropeDates = await attr(page, '[data-testid=rope-marker]', 'data-date');
    expect(ropeOrders.length).toBe(answer.drum.length);
    for (const [index, order] of ropeOrders.entries()) expect(ropeDates[index]).toBe(releases.get(order!));
    await screenshot(page, '11-drum-gantt');
  });

  it('renders the time-buffer board with the engine counts', async () => {
    const answer = await engine('time-buffers');
    await openBoard('time-buffers');
    await page.getByTestId('tb-order').first().waitFor();
    for (const [colour, count] of Object.entries(answer.counts))
      expect(await page.getByTestId(`tb-count-${colour}`).textContent()).toBe(`${colour}: ${count}`);
    const ids = await attr(page, '[data-testid=tb-order]', 'data-id');
    expect([...ids].sort()).toEqual(answer.orders.map((order: { id: string }) => order.id).sort());
    await screenshot(page, '12-time-buffers');
  });

  it('renders the throughput ranking and product mix', async () => {
    const answer = await engine('mix');
    await openBoard('mix');
    await page.getByTestId('mix-rank').first().waitFor();
    expect(await page.getByTestId('mix-constraint').textContent()).toBe(answer.primaryConstraint);
    expect(await attr(page, '[data-testid=mix-rank]', 'data-product')).toEqual(
      answer.ranking.map((row: { product: string }) => row.product),
    );
    expect(await attr(page, '[data-testid=mix-row]', 'data-quantity')).toEqual(
      answer.mix.map((row: { quantity: number }) => String(row.quantity)),
    );
    expect(await page.getByTestId('mix-net-profit').textContent()).toBe(String(answer.netProfit));
    await screenshot(page, '13-mix');
  });

  it('quotes promise dates from the form input', async () => {
    const answer = await engine('quote');
    await openBoard('quote');
    await page.getByTestId('quote-row').first().waitFor();
    expect(await attr(page, '[data-testid=quote-row]', 'data-quoted')).toEqual(
      answer.orders.map((order: { quotedDate: string }) => order.quotedDate),
    );
    await screenshot(page, '14-quote');
  });

  it('shows the buffer board of the synced data, and the example on request', async () => {
    const db = hub.test.hub.store.db;
    await seedGolden(db, bufferFixture());
    const live = await runTocService(db, 'buffers', {});
    await page.goto(`${hub.url}/#/toc?board=buffers`);
    await page.getByTestId('live-as-of').waitFor();
    await page.getByTestId('buffer-item').first().waitFor();
    const ids = await attr(page, '[data-testid=buffer-item]', 'data-id');
    const colours = await attr(page, '[data-testid=buffer-item]', 'data-color');
    const result = live.result as { items: Array<{ id: string; executionPriority: string }> };
    expect(ids).toEqual(['BOLT']);
    expect(Object.fromEntries(ids.map((id, index) => [id, colours[index]]))).toEqual(
      Object.fromEntries(result.items.map((item) => [item.id, item.executionPriority])),
    );
    expect(await page.getByTestId('live-as-of').textContent()).toContain(live.asOf);
    expect(JSON.parse(await page.locator('textarea[name=toc-input]').inputValue())).toEqual(live.input);
    await screenshot(page, '15-live-buffers');

    await page.getByTestId('source-example').click();
    const example = await engine('buffers');
    await expect
      .poll(async () => (await attr(page, '[data-testid=buffer-item]', 'data-id')).sort())
      .toEqual(example.items.map((item: { id: string }) => item.id).sort());
    await clearGolden(db);
  });
  it('keeps the board asked for last when an earlier board answers late', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/toc/services/buffers', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${hub.url}/#/toc?board=buffers`);
    await page.getByTestId('board-drum').click();
    await expect.poll(() => page.getByTestId('board-drum').getAttribute('class')).toBe('active');
    const late = page.waitForResponse('**/api/toc/services/buffers');
    release();
    await late;
    await page.waitForTimeout(300);
    const buffersInput = JSON.stringify(
      (await runTocService(hub.test.hub.store.db, 'buffers', {})).input,
      null,
      2,
    );
    expect(await page.locator('textarea[name=toc-input]').inputValue()).not.toBe(buffersInput);
    await page.unroute('**/api/toc/services/buffers');
  });
});

/** One purchased bolt with stock below its buffer, as a sync of an ERP leaves it. */
function bufferFixture(): GoldenFixture {
  const boltId = randomUUID();
  const pcs = (value: number) => ({ value, uom: 'pcs' });
  return {
    item: [purchasedBolt(boltId)],
    stock_level: [
      {
        id: randomUUID(),
        body: { itemId: boltId, location: 'WH', onHand: pcs(5), allocated: pcs(0), onOrder: pcs(0) },
      },
    ],
  };
}
