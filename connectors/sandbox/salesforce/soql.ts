import { type SandboxOrg, type SObjectRecord, SObjectRequestError, typeOf } from './org.ts';

/**
 * The SOQL the Salesforce connector sends, and a little more: a field list with parent-to-child
 * subqueries or COUNT(), one FROM object, WHERE terms joined by AND, ORDER BY and LIMIT.
 * Anything else is a MALFORMED_QUERY, an unknown field an INVALID_FIELD, as Salesforce answers.
 */
type Literal = string | number | boolean | null;
interface Term {
  field: string;
  op: string;
  value: Literal;
}
interface Subquery {
  relationship: string;
  fields: string[];
}
export interface SoqlQuery {
  sobject: string;
  count: boolean;
  fields: string[];
  subqueries: Subquery[];
  where: Term[];
  orderBy: Array<{ field: string; desc: boolean }>;
  limit?: number;
}

const tokenPattern =
  /\s*(>=|<=|!=|[(),=<>]|'(?:[^'\\]|\\.)*'|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9:]+)|-?[0-9]+(?:\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_.]*)/y;

function tokenize(soql: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < soql.length) {
    const start = tokenPattern.lastIndex;
    const match = tokenPattern.exec(soql);
    if (!match) {
      if (soql.slice(start).trim() === '') break;
      throw malformed(soql, `unexpected token at position ${start + 1}`);
    }
    tokens.push(match[1]!);
  }
  return tokens;
}

function malformed(soql: string, reason: string): SObjectRequestError {
  return new SObjectRequestError(400, 'MALFORMED_QUERY', `\n${soql}\n^\nERROR at Row:1:Column:1\n${reason}`);
}

function literalOf(token: string): Literal {
  if (/^'/.test(token)) return token.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^(true|false)$/i.test(token)) return token.toLowerCase() === 'true';
  if (/^null$/i.test(token)) return null;
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(token)) return Number(token);
  if (/^[0-9]{4}-/.test(token)) return token;
  throw new Error(`not a literal: ${token}`);
}

export function parseSoql(soql: string): SoqlQuery {
  const tokens = tokenize(soql);
  let at = 0;
  const peek = () => tokens[at];
  const isWord = (word: string) => peek()?.toUpperCase() === word;
  const expect = (word: string) => {
    if (!isWord(word)) throw malformed(soql, `expecting '${word}', found '${peek() ?? 'end of query'}'`);
    at += 1;
  };
  const fieldList = (): string[] => {
    const fields = [tokens[at++]!];
    while (peek() === ',' && tokens[at + 1] !== '(') {
      at += 1;
      fields.push(tokens[at++]!);
    }
    return fields;
  };
  expect('SELECT');
  const query: SoqlQuery = { sobject: '', count: false, fields: [], subqueries: [], where: [], orderBy: [] };
  if (isWord('COUNT') && tokens[at + 1] === '(' && tokens[at + 2] === ')') {
    query.count = true;
    at += 3;
  } else {
    for (;;) {
      if (peek() === '(') {
        at += 1;
        expect('SELECT');
        const fields = fieldList();
        expect('FROM');
        query.subqueries.push({ relationship: tokens[at++]!, fields });
        if (peek() !== ')') throw malformed(soql, 'expecting a right parentheses');
        at += 1;
      } else query.fields.push(tokens[at++]!);
      if (peek() !== ',') break;
      at += 1;
    }
  }
  expect('FROM');
  query.sobject = tokens[at++] ?? '';
  if (isWord('WHERE')) {
    at += 1;
    for (;;) {
      const [field, op, value] = [tokens[at], tokens[at + 1], tokens[at + 2]];
      if (!field || !op || value === undefined || !['=', '!=', '<', '<=', '>', '>='].includes(op))
        throw malformed(soql, 'unexpected condition');
      query.where.push({ field, op, value: literalOf(value) });
      at += 3;
      if (!isWord('AND')) break;
      at += 1;
    }
  }
  if (isWord('ORDER')) {
    at += 1;
    expect('BY');
    for (;;) {
      const field = tokens[at++]!;
      const direction = peek()?.toUpperCase();
      if (direction === 'ASC' || direction === 'DESC') at += 1;
      query.orderBy.push({ field, desc: direction === 'DESC' });
      if (peek() !== ',') break;
      at += 1;
    }
  }
  if (isWord('LIMIT')) {
    at += 1;
    query.limit = Number(tokens[at++]);
  }
  if (at < tokens.length) throw malformed(soql, `unexpected token: '${tokens[at]}'`);
  return query;
}

function assertFields(soql: string, sobject: string, fields: string[]): void {
  const type = typeOf(sobject);
  const unknown = fields.find((field) => !type.fields.includes(field));
  if (unknown) {
    throw new SObjectRequestError(
      400,
      'INVALID_FIELD',
      `\n${soql}\n^\nERROR at Row:1:Column:1\nNo such column '${unknown}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
}

const isDateTime = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value);
const comparable = (value: unknown): unknown =>
  isDateTime(value) ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : value;

function matches(record: SObjectRecord, term: Term): boolean {
  const left = comparable(record[term.field] ?? null);
  const right = comparable(term.value);
  switch (term.op) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    default: {
      if (left === null || right === null) return false;
      const [a, b] = [left as number | string, right as number | string];
      return term.op === '<' ? a < b : term.op === '<=' ? a <= b : term.op === '>' ? a > b : a >= b;
    }
  }
}

function compare(a: SObjectRecord, b: SObjectRecord, orderBy: SoqlQuery['orderBy']): number {
  for (const { field, desc } of orderBy) {
    const [x, y] = [comparable(a[field]), comparable(b[field])] as Array<string | number>;
    if (x === y) continue;
    return (x < y ? -1 : 1) * (desc ? -1 : 1);
  }
  return 0;
}

function shape(
  org: SandboxOrg,
  sobject: string,
  record: SObjectRecord,
  query: Pick<SoqlQuery, 'fields' | 'subqueries'>,
  apiVersion: string,
) {
  const row: Record<string, unknown> = {
    attributes: { type: sobject, url: `/services/data/v${apiVersion}/sobjects/${sobject}/${record.Id}` },
  };
  for (const field of query.fields) row[field] = record[field] ?? null;
  const type = typeOf(sobject);
  for (const sub of query.subqueries) {
    const relation = type.children[sub.relationship]!;
    const children = org.findBy(relation.sobject, relation.field, record.Id);
    row[sub.relationship] =
      children.length === 0
        ? null
        : {
            totalSize: children.length,
            done: true,
            records: children.map((child) =>
              shape(org, relation.sobject, child, { fields: sub.fields, subqueries: [] }, apiVersion),
            ),
          };
  }
  return row;
}

/** Runs a query; deleted rows only with `all` (queryAll), and only when the query asks for them. */
export function runSoql(org: SandboxOrg, soql: string, all: boolean, apiVersion: string) {
  const query = parseSoql(soql);
  const type = typeOf(query.sobject);
  assertFields(soql, query.sobject, [
    ...query.fields,
    ...query.where.map((term) => term.field),
    ...query.orderBy.map((order) => order.field),
  ]);
  for (const sub of query.subqueries) {
    const relation = type.children[sub.relationship];
    if (!relation)
      throw new SObjectRequestError(
        400,
        'INVALID_TYPE',
        `\n${soql}\n^\nERROR at Row:1:Column:1\nDidn't understand relationship '${sub.relationship}' in FROM part of query call.`,
      );
    assertFields(soql, relation.sobject, sub.fields);
  }
  let rows = org
    .rows(query.sobject, all)
    .filter((record) => query.where.every((term) => matches(record, term)));
  rows.sort((a, b) => compare(a, b, query.orderBy));
  if (query.limit !== undefined) rows = rows.slice(0, query.limit);
  if (query.count) return { totalSize: rows.length, rows: [] };
  return {
    totalSize: rows.length,
    rows: rows.map((record) => shape(org, query.sobject, record, query, apiVersion)),
  };
}
