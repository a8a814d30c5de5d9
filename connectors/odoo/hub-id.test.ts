import { describe, expect, it } from 'vitest';
import { hubIdReader } from '../../core/connector/define.ts';
import type { Connector } from '../../core/connector/types.ts';
import { odooConnector } from './index.ts';

const config = { url: 'https://erp.example.com', database: 'plant', username: 'hub', apiKey: 'key-1' };
const readerFor = (stream: string, settings: Record<string, unknown> = config) =>
  hubIdReader(odooConnector as Connector<unknown>, settings, stream)!;

describe('the hub id an Odoo record carries', () => {
  it("is the stream's match field, where a create writes the canonical id", () => {
    const id = '4b67f435-8fea-5959-b87f-2a81fbb76e1e';
    expect(readerFor('work_orders')({ id: 1797, origin: id, name: 'WH/MO/00042' })).toBe(id);
    expect(readerFor('customers')({ id: 7, ref: id })).toBe(id);
    expect(readerFor('work_orders')({ id: 1797, origin: false })).toBeUndefined();
  });

  it("follows a connection's own match field", () => {
    const settings = { ...config, streams: { customers: { matchField: 'x_hub_id' } } };
    expect(readerFor('customers', settings)({ id: 7, ref: 'C-7', x_hub_id: 'abc' })).toBe('abc');
  });
});
