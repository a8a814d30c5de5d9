import type { ReactNode } from 'react';
import type { CursorPage, CursorStep, Page } from './api.ts';
import { useT } from './i18n.ts';

export function Json({ value, highlight, testId }: { value: unknown; highlight?: string; testId?: string }) {
  return (
    <pre className="json" data-testid={testId}>
      {renderJson(value, highlight?.split('.') ?? [], 0, [])}
    </pre>
  );
}

/** Pretty JSON with the value at `highlight` (a dotted field path) marked. */
function renderJson(value: unknown, highlight: string[], depth: number, path: string[]): ReactNode {
  const pad = '  '.repeat(depth);
  const hit = highlight.length > 0 && highlight.join('.') === path.join('.');
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return hit ? <mark data-testid="failing-field">{text}</mark> : text;
  }
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const body = entries.map(([key, item], index) => (
    <span key={key}>
      {'\n'}
      {pad}
      {'  '}
      {Array.isArray(value) ? null : highlight.length > 0 &&
        [...path, key].join('.') === highlight.join('.') ? (
        <mark data-testid="failing-key">{JSON.stringify(key)}</mark>
      ) : (
        JSON.stringify(key)
      )}
      {Array.isArray(value) ? null : ': '}
      {renderJson(item, highlight, depth + 1, [...path, key])}
      {index < entries.length - 1 ? ',' : ''}
    </span>
  ));
  const inner = (
    <>
      {open}
      {body}
      {entries.length ? `\n${pad}` : ''}
      {close}
    </>
  );
  return hit ? <mark data-testid="failing-field">{inner}</mark> : inner;
}

/** The list offset a page's `offset` param asks for (0 when absent or not a count). */
export function offsetOf(params: URLSearchParams): number {
  const offset = Number(params.get('offset'));
  return Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
}

/** "Showing 101–150 of 150" between previous and next; `onOffset` moves the list to another offset. */
export function Pager({ page, onOffset }: { page?: Page<unknown>; onOffset: (offset: number) => void }) {
  const t = useT();
  if (!page || page.total === 0) return null;
  const last = page.offset + page.items.length;
  // An offset past the end (the list shrank) steps back to the last page, not to another empty one.
  const lastPageStart = Math.floor((page.total - 1) / page.limit) * page.limit;
  const previous = Math.max(0, Math.min(page.offset - page.limit, lastPageStart));
  const range = t('pageRange')
    .replace('{first}', String(page.offset + 1))
    .replace('{last}', String(last))
    .replace('{total}', String(page.total));
  return (
    <div className="row pager" data-testid="pager">
      <button
        type="button"
        disabled={page.offset === 0}
        onClick={() => onOffset(previous)}
        data-testid="page-previous"
      >
        {t('previous')}
      </button>
      <span data-testid="page-range">{page.items.length > 0 && range}</span>
      <button
        type="button"
        disabled={last >= page.total}
        onClick={() => onOffset(page.offset + page.limit)}
        data-testid="page-next"
      >
        {t('next')}
      </button>
    </div>
  );
}

/** What a cursor pager shows and offers: the rows it holds, and the steps to the pages around it. */
export function cursorPagerOf(page: CursorPage<unknown>) {
  return {
    first: page.offset + 1,
    last: page.offset + page.items.length,
    total: page.total,
    previous: page.previousCursor ? ({ before: page.previousCursor } as CursorStep) : undefined,
    next: page.nextCursor ? ({ after: page.nextCursor } as CursorStep) : undefined,
  };
}

/** "Showing 51–100 of 230" between previous and next, for a list paged by cursor. */
export function CursorPager({
  page,
  onMove,
  testId,
}: {
  page?: CursorPage<unknown>;
  onMove: (step: CursorStep) => void;
  testId: string;
}) {
  const t = useT();
  if (!page || page.total === 0) return null;
  const pager = cursorPagerOf(page);
  const range = t('pageRange')
    .replace('{first}', String(pager.first))
    .replace('{last}', String(pager.last))
    .replace('{total}', String(pager.total));
  return (
    <div className="row pager" data-testid={testId}>
      <button
        type="button"
        disabled={!pager.previous}
        onClick={() => pager.previous && onMove(pager.previous)}
        data-testid={`${testId}-previous`}
      >
        {t('previous')}
      </button>
      <span data-testid={`${testId}-range`}>{page.items.length > 0 && range}</span>
      <button
        type="button"
        disabled={!pager.next}
        onClick={() => pager.next && onMove(pager.next)}
        data-testid={`${testId}-next`}
      >
        {t('next')}
      </button>
    </div>
  );
}

export function Badge({ tone, children, testId }: { tone: string; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge ${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

export function ErrorLine({ error }: { error?: string }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}

export function Empty() {
  const t = useT();
  return <p className="muted">{t('none')}</p>;
}

/** A run's status with why it is partial or failed ("partial · quota"), so that it never reads as success. */
export const runStatusText = (status: string, reason: string | null | undefined) =>
  reason ? `${status} · ${reason}` : status;

export const toneOf = (status: string) =>
  ({
    succeeded: 'green',
    active: 'green',
    resolved: 'green',
    ok: 'green',
    running: 'blue',
    replayed: 'blue',
    partial: 'yellow',
    waiting: 'yellow',
    disabled: 'yellow',
    needs_reauthorization: 'red',
    open: 'red',
    failed: 'red',
    error: 'red',
    ignored: 'grey',
    abandoned: 'grey',
  })[status] ?? 'grey';

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '–';
}
