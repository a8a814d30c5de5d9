import { HubError } from '../../../core/errors/index.ts';
import { compileSourcePath } from '../../../core/mapping/source-path.ts';
import type { RestStream } from '../config.ts';

export const readPath = (value: unknown, path: string): unknown => compileSourcePath(path)(value);

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null || typeof value !== 'object') return value === undefined ? 'nothing' : typeof value;
  return `an object with ${Object.keys(value).slice(0, 8).join(', ') || 'no keys'}`;
}

/** The record array of a list response, at the stream's record path. */
export function recordsOf(body: unknown, stream: RestStream): unknown[] {
  const list = stream.recordPath ? readPath(body, stream.recordPath) : body;
  if (Array.isArray(list)) return list;
  const where = stream.recordPath ? `at "${stream.recordPath}"` : 'as the response body';
  throw new HubError(
    'config',
    'record_path',
    `GET ${stream.path}: expected the list of records ${where}, found ${describe(list)}; check recordPath`,
    { fieldPath: `streams.${stream.name}.recordPath` },
  );
}

export type CursorValue = string | number;

/** The larger incremental value: numbers numerically, anything else as text (ISO dates sort as text). */
export function laterOf(a: CursorValue | undefined, b: unknown): CursorValue | undefined {
  if (typeof b !== 'string' && typeof b !== 'number') return a;
  if (a === undefined) return b;
  if (typeof a === 'number' && typeof b === 'number') return b > a ? b : a;
  return String(b) > String(a) ? b : a;
}
