import type { ReactNode } from 'react';
import { useT } from './i18n.ts';

export function Json({ value, highlight }: { value: unknown; highlight?: string }) {
  return <pre className="json">{renderJson(value, highlight?.split('.') ?? [], 0, [])}</pre>;
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

export const toneOf = (status: string) =>
  ({
    succeeded: 'green',
    active: 'green',
    resolved: 'green',
    ok: 'green',
    running: 'blue',
    replayed: 'blue',
    partial: 'yellow',
    open: 'red',
    failed: 'red',
    error: 'red',
    ignored: 'grey',
    abandoned: 'grey',
  })[status] ?? 'grey';

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '–';
}
