import { isDeepStrictEqual } from 'node:util';
import type { OdooClient } from './client.ts';
import { type OdooRow, parseRows } from './records.ts';
import type { OdooLines, OdooStream } from './streams/types.ts';

type LineValues = Record<string, unknown>;
type LineCommand = [0, 0, LineValues] | [1, number, LineValues] | [2, number, 0];

const isCreate = (command: unknown): command is [0, 0, LineValues] =>
  Array.isArray(command) && command.length === 3 && command[0] === 0 && command[1] === 0;

/** A stored value as it would be written: a many2one read as [id, "name"] is its id. */
function storedValue(value: unknown): unknown {
  const isMany2one =
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'string';
  return isMany2one ? value[0] : value;
}

/** A line value against the stored one; an id set ([[6, 0, ids]]) is compared with the ids read. */
function sameValue(wanted: unknown, stored: unknown): boolean {
  const set =
    Array.isArray(wanted) && wanted.length === 1 && Array.isArray(wanted[0]) ? wanted[0] : undefined;
  if (set?.[0] === 6 && Array.isArray(set[2]) && Array.isArray(stored)) {
    const sorted = (ids: unknown[]) => [...ids].sort();
    return isDeepStrictEqual(sorted(set[2]), sorted(stored));
  }
  return isDeepStrictEqual(wanted, storedValue(stored));
}

function changedValues(wanted: LineValues, stored: OdooRow): LineValues {
  return Object.fromEntries(Object.entries(wanted).filter(([key, value]) => !sameValue(value, stored[key])));
}

/**
 * Pairs each mapped line with a stored one: by sequence when every mapped line carries one,
 * else by product, the first free stored line of that product in line order.
 */
function matchLines(
  wanted: LineValues[],
  stored: OdooRow[],
): { pairs: Array<OdooRow | undefined>; left: OdooRow[] } {
  const bySequence = wanted.every((values) => typeof values.sequence === 'number');
  const key = bySequence ? 'sequence' : 'product_id';
  const free = [...stored];
  const pairs = wanted.map((values) => {
    const index = free.findIndex((row) => values[key] !== undefined && storedValue(row[key]) === values[key]);
    return index < 0 ? undefined : free.splice(index, 1)[0];
  });
  return { pairs, left: free };
}

async function readStoredLines(
  client: OdooClient,
  lines: OdooLines,
  recordId: number,
  wanted: LineValues[],
): Promise<OdooRow[]> {
  const mapped = wanted.flatMap((values) => Object.keys(values));
  const fields = [...new Set(['id', 'sequence', 'display_type', 'product_id', ...mapped])];
  const result = await client.executeKw(lines.model, 'search_read', [[[lines.inverse, '=', recordId]]], {
    fields,
    order: 'sequence asc, id asc',
  });
  // Section and note rows are Odoo's own layout: never matched, never deleted.
  return parseRows(result, `${lines.model}.search_read`).filter((row) => !row.display_type);
}

/**
 * The commands that turn the stored lines into the mapped ones: [1, id, changed values] for a
 * matched line that differs, [0, 0, values] for a new line, Command.delete's [2, id, 0] for a
 * stored line no longer mapped, and nothing for an unchanged line.
 * @see https://www.odoo.com/documentation/18.0/developer/reference/backend/orm.html#odoo.fields.Command
 */
function lineCommands(wanted: LineValues[], stored: OdooRow[]): LineCommand[] {
  const { pairs, left } = matchLines(wanted, stored);
  const commands: LineCommand[] = [];
  for (const [index, values] of wanted.entries()) {
    const row = pairs[index];
    if (!row) {
      commands.push([0, 0, values]);
      continue;
    }
    const changed = changedValues(values, row);
    if (Object.keys(changed).length > 0) commands.push([1, row.id, changed]);
  }
  for (const row of left) commands.push([2, row.id, 0]);
  return commands;
}

/**
 * On an update, toOdooValues' create commands for mapped lines would add every line again: they
 * are replaced by the commands that reconcile them with the lines the record has. Explicit
 * commands or id lists from a mapping are sent as they are, and an empty list leaves the lines
 * alone. Odoo refuses to delete a line of a confirmed order: such an update fails with its message.
 */
export async function reconcileLines(
  client: OdooClient,
  stream: OdooStream,
  recordId: number,
  values: Record<string, unknown>,
): Promise<void> {
  for (const lines of stream.lines ?? []) {
    const commands = values[lines.field];
    if (!Array.isArray(commands) || commands.length === 0 || !commands.every(isCreate)) continue;
    const wanted = commands.map(([, , lineValues]) => lineValues);
    const reconciled = lineCommands(wanted, await readStoredLines(client, lines, recordId, wanted));
    if (reconciled.length > 0) values[lines.field] = reconciled;
    else delete values[lines.field];
  }
}
