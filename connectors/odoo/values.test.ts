import { describe, expect, it } from 'vitest';
import { toOdooValues } from './values.ts';

describe('toOdooValues', () => {
  it('builds x2many commands: new lines, updated lines, id sets, and passes commands through', () => {
    expect(
      toOdooValues({
        order_line: [
          { product_id: '63', product_uom_qty: 3 },
          { id: 52, product_uom_qty: 4 },
        ],
        route_ids: [1, 5],
        tag_ids: [[4, 7, 0]],
      }),
    ).toEqual({
      order_line: [
        [0, 0, { product_id: 63, product_uom_qty: 3 }],
        [1, 52, { product_uom_qty: 4 }],
      ],
      route_ids: [[6, 0, [1, 5]]],
      tag_ids: [[4, 7, 0]],
    });
  });

  it('turns null into false, a read-back many2one into its id, and keeps numeric text that is not an id', () => {
    expect(toOdooValues({ email: null, partner_id: [45, 'Hengda'], zip: '315800', priority: '1' })).toEqual({
      email: false,
      partner_id: 45,
      zip: '315800',
      priority: '1',
    });
  });

  it('names the field path of a value Odoo cannot take', () => {
    expect(() => toOdooValues({ order_line: [{ product_id: { id: 1 } }] })).toThrow(
      /order_line\.0\.product_id/,
    );
  });
});
