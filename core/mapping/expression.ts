import jsonata from 'jsonata';
import { BAIL, type FastFn, translateExpression } from './fast-expression.ts';
import type { HelperFn } from './helpers.ts';

/** Functions JSONata 2.x binds itself; calls to anything else must be a hub helper or a local. */
const jsonataFunctions = new Set(
  (
    'sum count max min average string substring substringBefore substringAfter lowercase uppercase length ' +
    'trim pad match contains replace split join formatNumber formatBase formatInteger parseInteger number ' +
    'floor ceil round abs sqrt power random boolean not map zip filter single reduce sift keys lookup append ' +
    'exists spread merge reverse each error assert type sort shuffle distinct encodeUrlComponent encodeUrl ' +
    'decodeUrlComponent decodeUrl eval toMillis fromMillis clone now millis'
  ).split(' '),
);

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export interface CompiledExpression {
  source: string;
  /** True when records are evaluated by a JS closure (with JSONata only as a fallback). */
  fast: boolean;
  evaluate(input: unknown, root: unknown): unknown;
}

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(node)) for (const child of node) walk(child, visit);
  else if (node !== null && typeof node === 'object') {
    visit(node as Node);
    for (const child of Object.values(node)) walk(child, visit);
  }
}

/** Load-time check that every $name is known, so a typo fails when the file loads, not per record. */
function checkNames(ast: jsonata.ExprNode, helpers: Record<string, HelperFn>, valueMaps?: Set<string>): void {
  const bound = new Set(['', '$', 'root']);
  walk(ast, (node) => {
    if (node.type === 'bind') bound.add(String((node.lhs as Node).value));
    if (node.type === 'lambda') for (const arg of node.arguments as Node[]) bound.add(String(arg.value));
    for (const key of ['index', 'focus']) if (typeof node[key] === 'string') bound.add(node[key] as string);
  });
  walk(ast, (node) => {
    const [first] = (node.arguments as Node[] | undefined) ?? [];
    const callsLookup = node.type === 'function' && (node.procedure as Node).value === 'lookup';
    if (valueMaps && callsLookup && first?.type === 'string' && !valueMaps.has(String(first.value))) {
      throw new ExpressionError(`$lookup: no value map named "${first.value}"`, first.position as number);
    }
    if (node.type !== 'variable') return;
    const name = String(node.value);
    if (!bound.has(name) && !jsonataFunctions.has(name) && !(name in helpers)) {
      throw new ExpressionError(`unknown variable or function $${name}`, node.position as number | undefined);
    }
  });
}

/**
 * Parses and checks a JSONata expression once. Records are evaluated by the translated closure
 * when there is one; otherwise (or when it bails for a record) by JSONata, which returns a Promise.
 */
export function compileExpression(
  source: string,
  helpers: Record<string, HelperFn>,
  options: { fastPath: boolean; valueMaps?: Set<string> } = { fastPath: true },
): CompiledExpression {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source);
  } catch (error) {
    const { message, position, code } = error as jsonata.JsonataError;
    throw new ExpressionError(`JSONata ${code ?? 'error'} at position ${position}: ${message}`, position);
  }
  checkNames(expression.ast(), helpers, options.valueMaps);
  for (const [name, helper] of Object.entries(helpers)) {
    expression.registerFunction(name, (...args: unknown[]) => helper(...args));
  }
  const slow = (input: unknown, root: unknown) => expression.evaluate(input, { root });
  const fast: FastFn | null = options.fastPath ? translateExpression(expression.ast(), helpers) : null;
  if (!fast) return { source, fast: false, evaluate: slow };
  return {
    source,
    fast: true,
    evaluate: (input, root) => {
      const value = fast(input, root);
      return value === BAIL ? slow(input, root) : value;
    },
  };
}
