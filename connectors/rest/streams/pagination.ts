import type { RestResponse } from '../client.ts';
import type { RestPagination, RestStream } from '../config.ts';
import { readPath } from './records.ts';

/** Where the next page starts: a page number, an offset, a cursor token or a next URL. */
export type PagePosition = { page: number } | { offset: number } | { cursor: string } | { url: string };

export interface PageRequest {
  pathOrUrl: string;
  params: Record<string, string | number>;
}

/** RFC 8288: `<https://api/x?page=2>; rel="next", <…>; rel="last"`. */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    const rel = match && /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]);
    if (match && rel?.[1].split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

export function pageRequest(
  stream: RestStream,
  base: Record<string, string>,
  at?: PagePosition,
): PageRequest {
  const p: RestPagination = stream.pagination;
  const params: Record<string, string | number> = { ...base };
  if (p.type === 'page') {
    params[p.pageParam] = at && 'page' in at ? at.page : p.firstPage;
    params[p.sizeParam] = stream.pageSize;
  } else if (p.type === 'offset') {
    params[p.offsetParam] = at && 'offset' in at ? at.offset : 0;
    params[p.limitParam] = stream.pageSize;
  } else if (p.type === 'cursor') {
    if (at && 'cursor' in at) params[p.cursorParam] = at.cursor;
    if (p.sizeParam) params[p.sizeParam] = stream.pageSize;
  } else if (p.type === 'link') {
    // The next URL carries every parameter the server wants; send it as given.
    if (at && 'url' in at) return { pathOrUrl: at.url, params: {} };
    if (p.sizeParam) params[p.sizeParam] = stream.pageSize;
  }
  return { pathOrUrl: stream.path, params };
}

/** The position after a page, or undefined when the page was the last one. */
export function nextPosition(
  stream: RestStream,
  at: PagePosition | undefined,
  response: RestResponse,
  count: number,
): PagePosition | undefined {
  const p = stream.pagination;
  if (p.type === 'page') {
    if (count < stream.pageSize) return undefined;
    return { page: (at && 'page' in at ? at.page : p.firstPage) + 1 };
  }
  if (p.type === 'offset') {
    if (count < stream.pageSize) return undefined;
    return { offset: (at && 'offset' in at ? at.offset : 0) + count };
  }
  if (p.type === 'cursor') {
    const next = readPath(response.body, p.cursorPath);
    return (typeof next === 'string' && next !== '') || typeof next === 'number'
      ? { cursor: String(next) }
      : undefined;
  }
  if (p.type === 'link') {
    // RFC 8288 allows a URI reference, relative to the page that sent it; the client then
    // refuses the resolved URL when it leaves the base URL's origin.
    const link = nextLink(response.headers.link);
    return link ? { url: new URL(link, response.url).href } : undefined;
  }
  return undefined;
}
