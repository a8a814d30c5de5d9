import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { ConnectorContext, WriteOp, WriteResult } from '../../core/connector/types.ts';
import { compileSourcePath } from '../../core/mapping/source-path.ts';
import { type CsvConfig, type CsvExportStream, formatOf } from './config.ts';
import { encodeFile } from './encoding.ts';
import { formatDecimal } from './numbers.ts';
import type { CsvRuntime } from './runtime.ts';
import { type FileSource, joinPath } from './source/index.ts';

function formatCell(value: unknown, decimalComma: boolean): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return formatDecimal(value, decimalComma);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** One row per record, or one per element of the record's lines list. */
function rowsOf(record: Record<string, unknown>, stream: CsvExportStream, decimalComma: boolean): string[][] {
  const fields = Object.values(stream.columns);
  const prefix = stream.lines ? `${stream.lines.field}.` : undefined;
  const elements = stream.lines ? compileSourcePath(stream.lines.field)(record) : undefined;
  const lines = Array.isArray(elements) && elements.length > 0 ? elements : [undefined];
  return lines.map((line) =>
    fields.map((field) => {
      const value =
        prefix && field.startsWith(prefix)
          ? line === undefined
            ? undefined
            : compileSourcePath(field.slice(prefix.length))(line)
          : compileSourcePath(field)(record);
      return formatCell(value, decimalComma);
    }),
  );
}

function batchHash(ops: WriteOp[]): string {
  return createHash('sha256').update(ops[0].idempotencyKey).digest('hex').slice(0, 16);
}

/**
 * `<prefix>_<UTC timestamp>_<hash of the batch's first idempotency key>.csv`. A retried batch
 * carries the same first key, finds its earlier file and overwrites it instead of adding one.
 */
async function fileNameFor(
  source: FileSource,
  stream: CsvExportStream,
  hash: string,
  now: Date,
): Promise<string> {
  const suffix = `_${hash}.csv`;
  const existing = (await source.list(stream.folder)).find(
    (entry) => entry.name.startsWith(`${stream.filePrefix}_`) && entry.name.endsWith(suffix),
  );
  if (existing) return existing.name;
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stream.filePrefix}_${stamp}${suffix}`;
}

/** Writes the batch as one export file, atomically (temporary file, flush, rename). */
export async function writeExportStream(
  ctx: ConnectorContext<CsvConfig>,
  stream: CsvExportStream,
  ops: WriteOp[],
  runtime: CsvRuntime,
): Promise<WriteResult[]> {
  if (ops.length === 0) return [];
  const format = formatOf(ctx.config, stream);
  const source = await runtime.openSource(ctx.config.source);
  try {
    const fileName = await fileNameFor(source, stream, batchHash(ops), runtime.now());
    const rows: string[][] = [Object.keys(stream.columns)];
    const results = ops.map((op): WriteResult => {
      if (op.action === 'delete') {
        const message = 'an export file cannot delete a record';
        return {
          ok: false,
          idempotencyKey: op.idempotencyKey,
          error: { kind: 'invalid_data', code: 'csv_export_delete', message },
        };
      }
      const firstLine = rows.length + 1;
      rows.push(...rowsOf(op.record, stream, format.decimalComma));
      return {
        ok: true,
        idempotencyKey: op.idempotencyKey,
        externalId: `${fileName}:${firstLine}`,
        created: true,
      };
    });
    if (rows.length === 1) return results;
    const text = stringify(rows, { delimiter: format.delimiter, record_delimiter: 'windows' });
    await source.writeAtomic(
      joinPath(stream.folder, fileName),
      encodeFile(text, format.encoding, stream.bom),
    );
    ctx.logger.info('csv export written', { stream: stream.name, file: fileName, rows: rows.length - 1 });
    return results;
  } finally {
    await source.close();
  }
}
