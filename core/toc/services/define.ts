import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
import { asOfSchema } from '../calendar.ts';
import { executeTocCommand } from '../command.ts';
import { MAX_DAYS } from '../limits.ts';
import { findTocCommand } from '../registry.ts';
import { type Skipped, today } from './load.ts';

/** What every service answers: the engine input it built from the golden records, the engine's answer, and how to read it back. */
export interface ServiceAnswer<R = unknown> {
  service: string;
  engine: string;
  asOf: string;
  input: unknown;
  result: R;
  /** Engine id (SKU, order number, work-center code) → canonical id. */
  refs: Record<string, string>;
  /** Records left out, and why. */
  skipped: Skipped[];
}

export interface TocService<P extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  engine: string;
  /** Parameters from the query string (GET) or the body (POST); numbers may come as text. */
  params: P;
  /** The answer without `service` and `engine`: the registry names them from this definition. */
  run(db: Queryable, params: z.output<P>): Promise<Omit<ServiceAnswer, 'service' | 'engine'>>;
}

export function defineTocService<P extends z.ZodType>(service: TocService<P>): TocService<P> {
  return service;
}

export const asOfParam = asOfSchema.default(() => today());
// Bounded like the engines' own day counts: a window of a billion days is refused as the typo it
// is (a 400) instead of failing in the date arithmetic that goes back or forward by it (a 500).
export const dayCount = (fallback: number) =>
  z.coerce.number().int().nonnegative().max(MAX_DAYS).default(fallback);
export const positiveDayCount = (fallback: number) =>
  z.coerce.number().int().positive().max(MAX_DAYS).default(fallback);

/** Runs a registered engine on an input the service built (validated like any other input). */
export async function runEngine<R>(engine: string, input: unknown): Promise<R> {
  return (await executeTocCommand(findTocCommand(engine), input)) as R;
}
