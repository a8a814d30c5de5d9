import { z } from 'zod';
import type { Cursor, ReadPage } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import type { RestClient } from './client.ts';
import type { RestStream } from './config.ts';
import { nextPosition, type PagePosition, pageRequest } from './streams/pagination.ts';
import { type CursorValue, laterOf, readPath, recordsOf } from './streams/records.ts';

const valueSchema = z.union([z.string(), z.number()]);
const cursorSchema = z.object({
  /** The incremental value this run started from (sent as the stream's incremental parameter). */
  since: valueSchema.optional(),
  /** The highest incremental value seen so far in this run. */
  high: valueSchema.optional(),
  /** Where the interrupted run goes on. */
  next: z
    .union([
      z.object({ page: z.number() }),
      z.object({ offset: z.number() }),
      z.object({ cursor: z.string() }),
      z.object({ url: z.string() }),
    ])
    .optional(),
});

export type RestCursor = z.output<typeof cursorSchema>;

/**
 * Reads a stream page by page. Mid-run cursors keep the run's starting `since` plus the next
 * position, so a resumed run pages on with the same filter; only the last page moves `since` to
 * the highest value seen, because pages need not arrive in incremental order.
 */
export async function* readRestStream(
  client: RestClient,
  stream: RestStream,
  cursor?: Cursor,
): AsyncGenerator<ReadPage> {
  const start = cursorSchema.safeParse(cursor ?? {});
  const { since, high: startHigh, next: resume } = start.success ? start.data : {};
  const base: Record<string, string> = { ...stream.query };
  if (stream.incremental && since !== undefined) base[stream.incremental.param] = String(since);
  let high: CursorValue | undefined = startHigh ?? since;
  let at: PagePosition | undefined = resume;
  for (;;) {
    const request = pageRequest(stream, base, at);
    const response = await client.get(request.pathOrUrl, request.params);
    const records = recordsOf(response.body, stream);
    if (stream.incremental) {
      const field = stream.incremental.field;
      for (const record of records) high = laterOf(high, readPath(record, field));
    }
    const next = nextPosition(stream, at, response, records.length);
    const pageCursor: RestCursor = next ? { since, high, next } : { since: high };
    yield { records, cursor: JSON.parse(JSON.stringify(pageCursor)) as Cursor };
    if (!next) return;
    if (JSON.stringify(next) === JSON.stringify(at)) {
      throw new HubError(
        'system',
        'pagination_loop',
        `GET ${stream.path}: the server sent the same next page again (${JSON.stringify(next)})`,
      );
    }
    at = next;
  }
}
