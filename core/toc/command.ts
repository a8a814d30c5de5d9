import type { z } from 'zod';
import { parseOrThrow } from '../errors/index.ts';

/**
 * A TOC engine exposed to the CLI (`thub toc <name>`), the API (POST /api/toc/<name>) and
 * flows. `run` is pure: plain JSON in, plain JSON out, no I/O (it may be async only to load a
 * WASM solver).
 */
export interface TocCommand<S extends z.ZodType = z.ZodType, O = unknown> {
  name: string;
  summary: string;
  input: S;
  run(input: z.output<S>): O | Promise<O>;
}

export function defineTocCommand<S extends z.ZodType, O>(command: TocCommand<S, O>): TocCommand<S, O> {
  return command;
}

/** Validates raw JSON against the command's schema (error names the field) and runs it. */
export async function executeTocCommand<S extends z.ZodType, O>(
  command: TocCommand<S, O>,
  raw: unknown,
): Promise<O> {
  const input = parseOrThrow(command.input, raw, { what: `toc ${command.name} input` });
  return await command.run(input);
}
