import { parse } from 'csv-parse/sync';
import { HubError } from '../../core/errors/index.ts';
import { compileTargetSetter } from '../../core/mapping/source-path.ts';
import type { CsvImportStream, FileFormat } from './config.ts';
import { parseDecimal } from './numbers.ts';
import { type CsvRowError, createRowError } from './row-error.ts';

export type CsvEntry =
  | { record: Record<string, unknown>; line: number }
  | { error: CsvRowError; line: number };

interface Row {
  line: number;
  raw: Record<string, string>;
  fields: Record<string, unknown>;
  problem?: { message: string; fieldPath?: string };
}

type ParsedRecord = { record: string[]; info: { lines: number } };

function readRecords(text: string, format: FileFormat, fileName: string) {
  try {
    return parse(text, {
      delimiter: format.delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const { message } = error as Error;
    throw new HubError('invalid_data', 'csv_unreadable', `${fileName}: ${message}`, { cause: error });
  }
}

function checkHeader(header: string[], stream: CsvImportStream, fileName: string): void {
  const missing = Object.keys(stream.columns).filter((column) => !header.includes(column));
  if (missing.length > 0) {
    const list = missing.map((column) => `"${column}"`).join(', ');
    throw new HubError(
      'invalid_data',
      'csv_missing_columns',
      `${fileName}: the header lacks ${list} (found: ${header.join(', ')})`,
    );
  }
}

function columnOf(stream: CsvImportStream, field: string): string | undefined {
  return Object.keys(stream.columns).find((column) => stream.columns[column] === field);
}

function mapRow(
  values: string[],
  header: string[],
  line: number,
  stream: CsvImportStream,
  format: FileFormat,
): Row {
  const raw = Object.fromEntries(header.map((column, index) => [column, values[index] ?? '']));
  const row: Row = { line, raw, fields: {} };
  if (values.length !== header.length) {
    row.problem = { message: `the row has ${values.length} fields, the header has ${header.length}` };
    return row;
  }
  for (const [column, field] of Object.entries(stream.columns)) {
    const text = raw[column].trim();
    if (text === '') continue;
    if (!stream.numberFields.includes(field)) {
      row.fields[field] = text;
      continue;
    }
    const number = parseDecimal(text, format.decimalComma);
    if (number === undefined) {
      row.problem ??= { message: `"${text}" in column "${column}" is not a number`, fieldPath: field };
    } else row.fields[field] = number;
  }
  for (const field of new Set([stream.idField, ...stream.requiredFields])) {
    if (row.fields[field] === undefined && !row.problem) {
      const column = columnOf(stream, field);
      row.problem = { message: `column "${column ?? field}" is empty`, fieldPath: field };
    }
  }
  return row;
}

/** Builds the record: plain fields nest by their dotted path. */
function toRecord(fields: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(fields)) compileTargetSetter(path)(record, value);
  return record;
}

/** A row with a problem may lack the mapped field; its raw column still names its group. */
function groupKeyOf(row: Row, groupBy: string, stream: CsvImportStream): string {
  const mapped = row.fields[groupBy];
  if (mapped !== undefined) return String(mapped);
  const column = columnOf(stream, groupBy);
  return column === undefined ? '' : (row.raw[column]?.trim() ?? '');
}

function groupRows(rows: Row[], stream: CsvImportStream, fileName: string): CsvEntry[] {
  const lines = stream.lines!;
  const prefix = `${lines.field}.`;
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = groupKeyOf(row, lines.groupBy, stream);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const entries: CsvEntry[] = [];
  for (const [key, group] of groups) {
    const bad = group.filter((row) => row.problem);
    if (bad.length > 0) {
      // Half an order would overwrite the whole one downstream; the group waits for a fixed file.
      const others = group.length - bad.length;
      const held =
        others > 0 ? `; the other ${others} row(s) of ${lines.groupBy} "${key}" are held back with it` : '';
      for (const row of bad) {
        const error = createRowError(
          fileName,
          row.line,
          `${row.problem!.message}${held}`,
          row.raw,
          row.problem!.fieldPath,
        );
        entries.push({ error, line: row.line });
      }
      continue;
    }
    const head = Object.fromEntries(
      Object.entries(group[0].fields).filter(([path]) => !path.startsWith(prefix)),
    );
    const record = toRecord(head);
    record[lines.field] = group.map((row) =>
      toRecord(
        Object.fromEntries(
          Object.entries(row.fields)
            .filter(([path]) => path.startsWith(prefix))
            .map(([path, value]) => [path.slice(prefix.length), value]),
        ),
      ),
    );
    entries.push({ record, line: group[0].line });
  }
  return entries.sort((a, b) => a.line - b.line);
}

const count = (values: string[], pattern: RegExp) =>
  values.reduce((total, value) => total + (value.match(pattern)?.length ?? 0), 0);

/**
 * The line each record starts on. csv-parse's info.lines is the line a record ends on, but inside
 * a quoted cell it counts "\r" and "\n" each as a line break: a quoted "\r\n" adds two, and
 * every later record is one line further off.
 */
function startLines(parsed: ParsedRecord[]): number[] {
  let overcounted = 0;
  return parsed.map(({ record, info }) => {
    const start = info.lines - count(record, /[\r\n]/g) - overcounted;
    overcounted += count(record, /\r\n/g);
    return start;
  });
}

/**
 * Reads a decoded file into records and per-row errors, in file order. Throws an `invalid_data`
 * HubError when the file as a whole cannot be read (broken quoting, header without the columns).
 */
export function parseCsvFile(
  text: string,
  fileName: string,
  stream: CsvImportStream,
  format: FileFormat,
): CsvEntry[] {
  const parsed = readRecords(text, format, fileName);
  if (parsed.length === 0) throw new HubError('invalid_data', 'csv_empty', `${fileName} is empty`);
  const header = parsed[0].record.map((column) => column.trim());
  checkHeader(header, stream, fileName);
  const starts = startLines(parsed);
  const rows = parsed
    .slice(1)
    .map(({ record }, index) => mapRow(record, header, starts[index + 1], stream, format));
  if (stream.lines) return groupRows(rows, stream, fileName);
  return rows.map((row) =>
    row.problem
      ? {
          error: createRowError(fileName, row.line, row.problem.message, row.raw, row.problem.fieldPath),
          line: row.line,
        }
      : { record: toRecord(row.fields), line: row.line },
  );
}
