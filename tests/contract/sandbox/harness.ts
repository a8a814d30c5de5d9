import type { ConnectorContext, Cursor, ReadPage } from '../../../core/connector/types.ts';

/** Every page of one read of `stream`. */
export async function readPages<Config>(
  connector: {
    read(ctx: ConnectorContext<Config>, stream: string, cursor?: Cursor): AsyncIterable<ReadPage>;
  },
  ctx: ConnectorContext<Config>,
  stream: string,
  cursor?: Cursor,
): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  for await (const page of connector.read(ctx, stream, cursor)) pages.push(page);
  return pages;
}

export const fieldOf = (field: string) => (pages: ReadPage[]) =>
  pages.flatMap((page) => page.records.map((record) => (record as Record<string, unknown>)[field]));
