import type jsonata from 'jsonata';
import type { HelperFn } from './helpers.ts';

/**
 * Translates the common shapes of JSONata (paths, literals, & + - * / %, comparisons, and/or,
 * ?:, $uppercase/$lowercase/$trim/$string/$number/$exists and the hub helpers) into plain JS
 * closures. JSONata's evaluate() is asynchronous and costs several microseconds; these run in
 * nanoseconds. A closure returns BAIL whenever the data leaves the shapes it reproduces exactly
 * (arrays, type errors, number formatting), and the caller then asks JSONata itself. Shapes it
 * does not know return null at compile time and always go to JSONata.
 */
export const BAIL: unique symbol = Symbol('bail');
export type FastFn = (input: unknown, root: unknown) => unknown;
type Node = Omit<jsonata.ExprNode, 'type'> & { type: string } & Record<string, unknown>;

const commonKeys = new Set(['type', 'value', 'position']);
const allowedKeys: Record<string, Set<string>> = {
  path: new Set(['steps']),
  name: new Set(),
  variable: new Set(),
  string: new Set(),
  number: new Set(),
  value: new Set(),
  unary: new Set(['expression']),
  binary: new Set(['lhs', 'rhs']),
  condition: new Set(['condition', 'then', 'else']),
  function: new Set(['procedure', 'arguments']),
  block: new Set(['expressions']),
};

function isPlain(node: Node): boolean {
  const extra = allowedKeys[node.type];
  return (
    extra !== undefined &&
    Object.entries(node).every(([key, value]) => value === undefined || commonKeys.has(key) || extra.has(key))
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** JSONata's effective boolean value for scalars; BAIL for arrays and objects. */
function truthy(value: unknown): boolean | typeof BAIL {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  return BAIL;
}

const numberText = /^-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;
const stringOnly = (transform: (text: string) => unknown) => (value: unknown) =>
  value === undefined ? undefined : typeof value === 'string' ? transform(value) : BAIL;

const builtins: Record<string, (value: unknown) => unknown> = {
  uppercase: stringOnly((text) => text.toUpperCase()),
  lowercase: stringOnly((text) => text.toLowerCase()),
  trim: stringOnly((text) =>
    text
      .replace(/[ \t\n\r]+/gm, ' ')
      .replace(/^ /, '')
      .replace(/ $/, ''),
  ),
  string: (value) => (value === undefined || typeof value === 'string' ? value : BAIL),
  number: (value) => {
    if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) return value;
    if (typeof value !== 'string' || !numberText.test(value)) return BAIL;
    // Text beyond the double range ("1e400") reads as Infinity, which JSONata refuses (D3030).
    const number = Number(value);
    return Number.isFinite(number) ? number : BAIL;
  },
  exists: (value) => value !== undefined,
};

function translatePath(steps: Node[]): FastFn | null {
  if (!steps.every(isPlain)) return null;
  let start: FastFn = (input) => input;
  let names = steps;
  const first = steps[0];
  if (first?.type === 'variable') {
    if (first.value === 'root') start = (_input, root) => root;
    else if (first.value !== '') return null;
    names = steps.slice(1);
  }
  if (!names.every((step) => step.type === 'name')) return null;
  const keys = names.map((step) => String(step.value));
  return (input, root) => {
    let value = start(input, root);
    for (const key of keys) {
      if (Array.isArray(value)) return BAIL;
      value = isObject(value) ? value[key] : undefined;
    }
    return Array.isArray(value) ? BAIL : value;
  };
}

function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if ((a !== undefined && typeof a !== 'number') || (b !== undefined && typeof b !== 'number')) return BAIL;
  if (a === undefined || b === undefined) return undefined;
  const x = a as number;
  const y = b as number;
  const result = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
  return Number.isFinite(result) ? result : BAIL;
}

function compare(op: string, a: unknown, b: unknown): unknown {
  const comparable = (v: unknown) => v === undefined || typeof v === 'string' || typeof v === 'number';
  if (!comparable(a) || !comparable(b)) return BAIL;
  if (a === undefined || b === undefined) return undefined;
  if (typeof a !== typeof b) return BAIL;
  const x = a as string | number;
  const y = b as string | number;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function equal(op: string, a: unknown, b: unknown): unknown {
  if (a === undefined || b === undefined) return false;
  if ((a !== null && typeof a === 'object') || (b !== null && typeof b === 'object')) return BAIL;
  return op === '=' ? a === b : a !== b;
}

const concatPart = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : BAIL);

function translateBinary(node: Node, helpers: Helpers): FastFn | null {
  const left = translate(node.lhs as Node, helpers);
  const right = translate(node.rhs as Node, helpers);
  if (!left || !right) return null;
  const op = String(node.value);
  if (op === 'and' || op === 'or') {
    return (input, root) => {
      const a = truthy(left(input, root));
      if (a === BAIL) return BAIL;
      if (op === 'and' ? !a : a) return a;
      return truthy(right(input, root));
    };
  }
  const combine =
    op === '&'
      ? (a: unknown, b: unknown) => {
          const x = concatPart(a);
          const y = concatPart(b);
          return x === BAIL || y === BAIL ? BAIL : x + y;
        }
      : ['+', '-', '*', '/', '%'].includes(op)
        ? (a: unknown, b: unknown) => arithmetic(op, a, b)
        : op === '=' || op === '!='
          ? (a: unknown, b: unknown) => equal(op, a, b)
          : ['<', '<=', '>', '>='].includes(op)
            ? (a: unknown, b: unknown) => compare(op, a, b)
            : null;
  if (!combine) return null;
  return (input, root) => {
    const a = left(input, root);
    if (a === BAIL) return BAIL;
    const b = right(input, root);
    return b === BAIL ? BAIL : combine(a, b);
  };
}

type Helpers = Record<string, HelperFn>;

function translateFunction(node: Node, helpers: Helpers): FastFn | null {
  const procedure = node.procedure as Node;
  if (procedure.type !== 'variable' || !isPlain(procedure)) return null;
  const args = (node.arguments as Node[]).map((arg) => translate(arg, helpers));
  if (args.some((arg) => arg === null)) return null;
  const argFns = args as FastFn[];
  const name = String(procedure.value);
  const builtin = builtins[name];
  if (builtin && argFns.length === 1) {
    const [arg] = argFns;
    return (input, root) => {
      const value = arg(input, root);
      return value === BAIL ? BAIL : builtin(value);
    };
  }
  const helper = helpers[name];
  if (!helper) return null;
  return (input, root) => {
    const values: unknown[] = [];
    for (const arg of argFns) {
      const value = arg(input, root);
      if (value === BAIL || Array.isArray(value)) return BAIL;
      values.push(value);
    }
    return helper(...values);
  };
}

function translate(node: Node, helpers: Helpers): FastFn | null {
  if (!isPlain(node)) return null;
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const constant = node.value;
      return () => constant;
    }
    case 'path':
      return translatePath(node.steps as Node[]);
    case 'variable':
      return translatePath([node]);
    case 'unary': {
      const inner = node.value === '-' ? translate(node.expression as Node, helpers) : null;
      if (!inner) return null;
      return (input, root) => {
        const value = inner(input, root);
        return value === undefined ? undefined : typeof value === 'number' ? -value : BAIL;
      };
    }
    case 'binary':
      return translateBinary(node, helpers);
    case 'condition': {
      const test = translate(node.condition as Node, helpers);
      const then = translate(node.then as Node, helpers);
      const otherwise = node.else === undefined ? () => undefined : translate(node.else as Node, helpers);
      if (!test || !then || !otherwise) return null;
      return (input, root) => {
        const passed = truthy(test(input, root));
        if (passed === BAIL) return BAIL;
        return passed ? then(input, root) : otherwise(input, root);
      };
    }
    case 'function':
      return translateFunction(node, helpers);
    case 'block': {
      const expressions = node.expressions as Node[];
      return expressions.length === 1 ? translate(expressions[0], helpers) : null;
    }
    default:
      return null;
  }
}

/** A JS closure equivalent to `ast`, or null when the expression needs JSONata itself. */
export function translateExpression(ast: jsonata.ExprNode, helpers: Helpers): FastFn | null {
  return translate(ast as Node, helpers);
}
