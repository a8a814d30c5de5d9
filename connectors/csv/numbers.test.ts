import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal } from './numbers.ts';

describe('decimal numbers in CSV cells', () => {
  it('reads decimal commas with and without thousands dots', () => {
    expect(parseDecimal('1.234,56', true)).toBe(1234.56);
    expect(parseDecimal('1234,56', true)).toBe(1234.56);
    expect(parseDecimal('1.234.567', true)).toBe(1234567);
    expect(parseDecimal('-0,5', true)).toBe(-0.5);
    expect(parseDecimal('1 234,5', true)).toBe(1234.5);
  });

  it('refuses dots that are not thousands groups when commas are decimal', () => {
    expect(parseDecimal('1.23', true)).toBeUndefined();
    expect(parseDecimal('1,2,3', true)).toBeUndefined();
    expect(parseDecimal('abc', true)).toBeUndefined();
  });

  it('reads decimal points with optional thousands commas otherwise', () => {
    expect(parseDecimal('1,234.56', false)).toBe(1234.56);
    expect(parseDecimal('1234.56', false)).toBe(1234.56);
    expect(parseDecimal('12,34', false)).toBeUndefined();
    expect(parseDecimal('', false)).toBeUndefined();
  });

  it('writes decimal commas when configured', () => {
    expect(formatDecimal(1234.5, true)).toBe('1234,5');
    expect(formatDecimal(1234.5, false)).toBe('1234.5');
  });
});
