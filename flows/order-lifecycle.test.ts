import { describe, expect, it } from 'vitest';
import { settledOrderStatus } from './order-lifecycle.ts';

describe('settledOrderStatus', () => {
  it('moves forward along the stages', () => {
    expect(settledOrderStatus(['draft', 'confirmed', 'in_production', 'shipped', 'invoiced'])).toBe(
      'invoiced',
    );
    expect(settledOrderStatus(['confirmed', 'closed'])).toBe('closed');
  });

  it('does not go back when the ERP sends its unchanged status again', () => {
    expect(settledOrderStatus(['confirmed', 'shipped', 'confirmed'])).toBe('shipped');
    expect(settledOrderStatus(['confirmed', 'in_production', 'confirmed', 'draft'])).toBe('in_production');
    expect(settledOrderStatus(['confirmed', 'closed', 'shipped'])).toBe('closed');
  });

  it('cancels from any stage, and only a reopening leaves cancelled', () => {
    expect(settledOrderStatus(['confirmed', 'in_production', 'cancelled'])).toBe('cancelled');
    expect(settledOrderStatus(['confirmed', 'cancelled', 'confirmed', 'shipped'])).toBe('cancelled');
  });

  it('starts again from draft when the ERP reopens a cancelled order', () => {
    expect(settledOrderStatus(['confirmed', 'shipped', 'cancelled', 'draft'])).toBe('draft');
    expect(settledOrderStatus(['confirmed', 'cancelled', 'draft', 'confirmed'])).toBe('confirmed');
    expect(settledOrderStatus(['confirmed', 'cancelled', 'draft', 'confirmed', 'in_production'])).toBe(
      'in_production',
    );
  });

  it('holds an order before shipping and resumes it at the stage it had reached', () => {
    expect(settledOrderStatus(['confirmed', 'on_hold'])).toBe('on_hold');
    expect(settledOrderStatus(['confirmed', 'on_hold', 'confirmed'])).toBe('confirmed');
    expect(settledOrderStatus(['confirmed', 'in_production', 'on_hold'])).toBe('on_hold');
    expect(settledOrderStatus(['confirmed', 'in_production', 'on_hold', 'confirmed'])).toBe('in_production');
    expect(settledOrderStatus(['confirmed', 'on_hold', 'shipped'])).toBe('shipped');
  });

  it('ignores a hold once the order has shipped', () => {
    expect(settledOrderStatus(['confirmed', 'shipped', 'on_hold'])).toBe('shipped');
  });
});
