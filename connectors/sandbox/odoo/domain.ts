/**
 * Odoo search domains: prefix operators ('&', '|', '!') over [field, operator, value] leaves,
 * with an implicit '&' between consecutive expressions. A dotted field (location_id.usage)
 * follows a many2one to the related record.
 * @see https://www.odoo.com/documentation/18.0/developer/reference/backend/orm.html#search-domains
 */
export type Leaf = [string, string, unknown];
export type Domain = Array<string | Leaf>;
export type FieldReader = (record: Record<string, unknown>, path: string) => unknown;

export class DomainError extends Error {}

const idOf = (value: unknown) => (Array.isArray(value) && typeof value[0] === 'number' ? value[0] : value);

function likePattern(value: string, anchored: boolean, caseless: boolean): RegExp {
  const escaped = value
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(anchored ? `^${escaped}$` : escaped, caseless ? 'i' : '');
}

export function compareLeaf(actual: unknown, op: string, expected: unknown): boolean {
  const left = idOf(actual);
  const values = Array.isArray(actual) && typeof actual[0] !== 'number' ? actual : undefined;
  switch (op) {
    case '=':
    case '==':
      return values
        ? values.includes(expected)
        : left === expected || (expected === false && (left === null || left === undefined));
    case '!=':
    case '<>':
      return !compareLeaf(actual, '=', expected);
    case 'in':
      return (
        Array.isArray(expected) &&
        (values ? values.some((value) => expected.includes(value)) : expected.includes(left))
      );
    case 'not in':
      return !compareLeaf(actual, 'in', expected);
    case 'like':
    case 'ilike':
    case 'not ilike':
    case '=like':
    case '=ilike': {
      if (typeof left !== 'string' || typeof expected !== 'string') return op === 'not ilike';
      const hit = likePattern(expected, op.startsWith('='), op.includes('ilike')).test(left);
      return op === 'not ilike' ? !hit : hit;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (left === false || left === null || left === undefined) return false;
      const [a, b] = [left as string | number, expected as string | number];
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    default:
      throw new DomainError(`Invalid leaf operator ${JSON.stringify(op)}`);
  }
}

export function matchesDomain(record: Record<string, unknown>, domain: Domain, read: FieldReader): boolean {
  let at = 0;
  const next = (): boolean => {
    const term = domain[at++];
    if (term === '&') return [next(), next()].every(Boolean);
    if (term === '|') {
      const [a, b] = [next(), next()];
      return a || b;
    }
    if (term === '!') return !next();
    if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string')
      throw new DomainError(`Invalid leaf ${JSON.stringify(term)}`);
    return compareLeaf(read(record, term[0]), term[1], term[2]);
  };
  let result = true;
  while (at < domain.length) result = next() && result;
  return result;
}
