import { z } from 'zod';
import { isHubError, issuesOf } from '../errors/index.ts';

/** What went wrong, in one line: a HubError's message, or a zod error's first field and problem. */
export function messageOf(error: unknown): string {
  if (isHubError(error)) return error.message;
  if (error instanceof z.ZodError) {
    const first = issuesOf(error)[0];
    if (first) return `${first.path || '(root)'}: ${first.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** 2 when the request was refused (unknown id, invalid input, conflict), 1 for an internal error. */
export function exitCodeOf(error: unknown): number {
  return (isHubError(error) && error.kind !== 'system') || error instanceof z.ZodError ? 2 : 1;
}

export interface ReportOptions {
  /** @defaultValue exitCodeOf(error) */
  exitCode?: number;
  /** @defaultValue process.stderr */
  write?: (text: string) => void;
}

/** Prints `thub <command>: <message>` and sets the exit code, instead of a stack trace. */
export function reportFailure(command: string, error: unknown, options: ReportOptions = {}): void {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  write(`thub ${command}: ${messageOf(error)}\n`);
  process.exitCode = options.exitCode ?? exitCodeOf(error);
}

/** A commander action whose failure is reported by `reportFailure` rather than escaping to Node. */
export function reported<A extends unknown[]>(
  command: string,
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      reportFailure(command, error);
    }
  };
}
