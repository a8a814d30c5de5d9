import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executeTocCommand } from '../command.ts';
import { reportCommand } from './report.ts';

const example = JSON.parse(readFileSync(new URL('../examples/report.json', import.meta.url), 'utf8'));

describe('report', () => {
  it('computes T, NP, ROI, productivity, turns and the dollar-days', async () => {
    const result = await executeTocCommand(reportCommand, example);
    // T = 100×45 + 30×60 = 6300; NP = 300; TDD = 1800×3 + 450×1; IDD = 2000×12 + 900×4.
    expect(result).toEqual({
      throughput: 6300,
      operatingExpense: 6000,
      netProfit: 300,
      roi: 0.003,
      productivity: 1.05,
      investmentTurns: 0.063,
      throughputDollarDays: 5850,
      inventoryDollarDays: 27600,
    });
  });

  it('leaves the dollar-days out when no late orders or inventory are given', async () => {
    const { lateOrders: _late, inventory: _inventory, ...bare } = example;
    const result = await executeTocCommand(reportCommand, { ...bare, operatingExpense: 7000 });
    expect(result.netProfit).toBe(-700);
    expect(result.roi).toBe(-0.007);
    expect(result).not.toHaveProperty('throughputDollarDays');
    expect(result).not.toHaveProperty('inventoryDollarDays');
  });

  it('names the field of a bad input', async () => {
    await expect(executeTocCommand(reportCommand, { ...example, investment: 0 })).rejects.toMatchObject({
      fieldPath: 'investment',
    });
    const badSale = { ...example, sales: [{ product: 'P', quantity: 1, price: 9 }] };
    await expect(executeTocCommand(reportCommand, badSale)).rejects.toMatchObject({
      fieldPath: 'sales.0.tvc',
    });
  });
});
