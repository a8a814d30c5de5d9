import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { BAIL, translateExpression } from './fast-expression.ts';

const helpers = { twice: (value: unknown) => (typeof value === 'string' ? value + value : undefined) };

// Every shape the translator claims to handle, plus shapes it must refuse.
const expressions = [
  'a',
  'a.b',
  'a.b.c',
  '$.a',
  '$root.a',
  '`with space`',
  "a & ' ' & b",
  'a + b',
  'a - b * 2',
  'a / b',
  'a % 3',
  '-a',
  'a = b',
  "a != 'x'",
  'a < b',
  'a >= 1',
  'a and b',
  'a or b',
  "a ? 'yes' : 'no'",
  'a > 0 ? a : b',
  'a ? b',
  '$uppercase(a)',
  '$lowercase(a)',
  '$trim(a)',
  '$string(a)',
  '$number(a)',
  '$exists(a.b)',
  '$twice(a)',
  '(a)',
  'true',
  'null',
  '"lit"',
  '42',
];

const scalar = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('  a   b ', '12', '-3.5', '1e3', '1e400', '-1e400', '0x1', ' 7', ''),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.record({ b: scalar, c: scalar }, { requiredKeys: [] }),
);
const record = fc.record({ a: value, b: value, 'with space': scalar }, { requiredKeys: [] });

async function viaJsonata(expression: jsonata.Expression, input: unknown) {
  try {
    return { value: await expression.evaluate(input, { root: input }) };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
}

describe('fast expression translation', () => {
  it('translates the listed shapes and refuses others', () => {
    for (const source of expressions) {
      expect(translateExpression(jsonata(source).ast(), helpers), source).not.toBeNull();
    }
    for (const source of [
      'a[0]',
      'a.b[c > 1]',
      '$sum(a)',
      'a.$uppercase($)',
      '$now()',
      '$twice',
      'a ~> $uppercase',
    ]) {
      expect(translateExpression(jsonata(source).ast(), helpers), source).toBeNull();
    }
  });

  it('agrees with JSONata on every record it does not hand back', async () => {
    const compiled = expressions.map((source) => {
      const expression = jsonata(source);
      expression.registerFunction('twice', helpers.twice);
      return { source, expression, fast: translateExpression(expression.ast(), helpers)! };
    });
    let handled = 0;
    await fc.assert(
      fc.asyncProperty(record, async (input) => {
        for (const { source, expression, fast } of compiled) {
          const expected = await viaJsonata(expression, input);
          let actual: unknown;
          try {
            actual = fast(input, input);
          } catch (error) {
            throw new Error(`${source}: fast path threw ${String(error)}`);
          }
          if (actual === BAIL) continue;
          handled += 1;
          expect(expected.error, `${source} on ${JSON.stringify(input)}`).toBeUndefined();
          expect(actual, `${source} on ${JSON.stringify(input)}`).toStrictEqual(expected.value);
        }
      }),
      { numRuns: 400, seed: 20250701 },
    );
    expect(handled).toBeGreaterThan(expressions.length * 100);
  });

  it('hands a number that overflows to JSONata, which refuses it', async () => {
    const expression = jsonata('$number(a)');
    const fast = translateExpression(expression.ast(), helpers)!;
    for (const text of ['1e400', '-1e400', '123456789e308']) {
      expect(fast({ a: text }, { a: text }), text).toBe(BAIL);
      expect(await viaJsonata(expression, { a: text }), text).toEqual({ error: 'D3030' });
    }
    expect(fast({ a: '1e308' }, {})).toBe(1e308);
  });
});
