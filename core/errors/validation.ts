import type { z } from 'zod';
import { HubError } from './hub-error.ts';

export interface FieldIssue {
  path: string;
  message: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => String(segment)).join('.');
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/**
 * Parses `value` with `schema`, or throws an `invalid_data` HubError whose message names the
 * first failing field and the record, and whose details list every issue.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  context: { what: string; recordId?: string } = { what: 'input' },
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  const first = issues[0];
  const where = context.recordId ? `${context.what} ${context.recordId}` : context.what;
  const fieldPath = first?.path || '(root)';
  throw new HubError('invalid_data', 'validation_failed', `${where}: ${fieldPath}: ${first?.message}`, {
    fieldPath,
    details: { issues, ...(context.recordId ? { recordId: context.recordId } : {}) },
  });
}
