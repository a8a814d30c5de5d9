import { describe, expect, it } from 'vitest';
import { describeErrorBody } from './errors.ts';
import { nextLink } from './streams/pagination.ts';

describe('error bodies of REST APIs', () => {
  it('finds message and field in the common shapes', () => {
    expect(
      describeErrorBody({ detail: [{ loc: ['body', 'lines', 0, 'qty'], msg: 'field required' }] }),
    ).toEqual({
      message: 'field required',
      fieldPath: 'lines.0.qty',
    });
    expect(describeErrorBody({ errors: [{ message: 'is taken', field: 'code' }] })).toEqual({
      message: 'is taken',
      fieldPath: 'code',
    });
    expect(describeErrorBody({ error: 'invalid_request', error_description: 'missing grant' })).toEqual({
      message: 'missing grant',
      fieldPath: undefined,
    });
    expect(describeErrorBody({ errors: [{ detail: 'bad', source: { pointer: '/lines/2/sku' } }] })).toEqual({
      message: 'bad',
      fieldPath: 'lines.2.sku',
    });
    expect(describeErrorBody('  Gateway Timeout  ')).toEqual({ message: 'Gateway Timeout' });
    expect(describeErrorBody(null)).toEqual({});
  });

  it('prefers the paths the connection configures', () => {
    const body = { message: 'Validation failed', result: { problem: 'price too low', column: 'price' } };
    expect(describeErrorBody(body, { messagePath: 'result.problem', fieldPath: 'result.column' })).toEqual({
      message: 'price too low',
      fieldPath: 'price',
    });
  });
});

describe('Link header', () => {
  it('finds rel="next" among several links and relation types', () => {
    const header = '<https://a.example/x?page=1>; rel="prev first", <https://a.example/x?page=3>; rel="next"';
    expect(nextLink(header)).toBe('https://a.example/x?page=3');
    expect(nextLink('<https://a.example/x?page=3>; rel=next; title="more"')).toBe(
      'https://a.example/x?page=3',
    );
    expect(nextLink('<https://a.example/x?page=1>; rel="first"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
