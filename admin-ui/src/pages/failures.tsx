import { useState } from 'react';
import { can, get, type Me, type Page, post, query } from '../api.ts';
import { navigate } from '../app.tsx';
import { Badge, Empty, ErrorLine, Json, toneOf, when } from '../components.tsx';
import { useLoad } from '../hooks.ts';
import { useT } from '../i18n.ts';

interface Failure {
  id: string;
  connectionId: string;
  stream: string;
  direction: string;
  externalId: string | null;
  errorClass: string;
  errorCode: string;
  message: string;
  fieldPath: string | null;
  state: string;
  attempts: number;
  lastSeen: string;
  rawPayload: unknown;
  mappedPayload: unknown;
  advice?: string;
}

const errorClasses = [
  'value',
  'missing_reference',
  'connection',
  'authentication',
  'rate_limit',
  'too_large',
  'parse',
  'duplicate',
  'intermittent',
];
const states = ['open', 'replayed', 'resolved', 'ignored'];
const filterKeys = ['connection', 'stream', 'errorClass', 'state', 'text'] as const;

const payloadOf = (failure: Failure) =>
  failure.direction === 'out' && failure.mappedPayload ? failure.mappedPayload : failure.rawPayload;

function hasPath(value: unknown, path: string): boolean {
  let node = value;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

export function FailuresPage({ me, params }: { me: Me; params: URLSearchParams }) {
  const t = useT();
  const filter = Object.fromEntries(filterKeys.map((key) => [key, params.get(key) ?? ''])) as Record<
    (typeof filterKeys)[number],
    string
  >;
  const selected = params.get('id') ?? undefined;
  const [message, setMessage] = useState<string>();
  const list = useLoad(
    () =>
      get<Page<Failure> & { counts: Record<string, number> }>(
        `/api/failures${query({ ...filter, limit: 100 })}`,
      ),
    [params.toString()],
    2000,
  );
  const detail = useLoad(
    () => (selected ? get<Failure>(`/api/failures/${selected}`) : Promise.resolve(undefined)),
    [selected],
    selected ? 2000 : undefined,
  );
  const setFilter = (key: string, value: string) =>
    navigate(
      'failures',
      Object.fromEntries(Object.entries({ ...filter, [key]: value }).filter(([, v]) => v)),
    );
  const act = async (path: string, body: unknown = {}) => {
    try {
      const result = await post<{ state?: string; replayed?: number }>(path, body);
      setMessage(
        result.replayed !== undefined
          ? `${t('replay')}: ${result.replayed}`
          : `${t('state')}: ${result.state}`,
      );
      list.reload();
      detail.reload();
    } catch (caught) {
      setMessage((caught as Error).message);
    }
  };
  const matching = Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
  return (
    <section>
      <h2>{t('failures')}</h2>
      <div className="row counts" data-testid="failure-counts">
        {states.map((state) => (
          <Badge key={state} tone={toneOf(state)} testId={`count-${state}`}>
            {state}: {list.data?.counts[state] ?? 0}
          </Badge>
        ))}
      </div>
      <div className="filters">
        <input
          placeholder={t('connection')}
          name="connection"
          defaultValue={filter.connection}
          onBlur={(e) => setFilter('connection', e.target.value)}
        />
        <input
          placeholder={t('stream')}
          name="stream"
          defaultValue={filter.stream}
          onBlur={(e) => setFilter('stream', e.target.value)}
        />
        <select
          name="errorClass"
          value={filter.errorClass}
          onChange={(e) => setFilter('errorClass', e.target.value)}
        >
          <option value="">
            {t('errorClass')}: {t('any')}
          </option>
          {errorClasses.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <select name="state" value={filter.state} onChange={(e) => setFilter('state', e.target.value)}>
          <option value="">
            {t('state')}: {t('any')}
          </option>
          {states.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <input
          placeholder={t('text')}
          name="text"
          defaultValue={filter.text}
          onKeyDown={(e) => e.key === 'Enter' && setFilter('text', e.currentTarget.value)}
        />
        {can(me, 'operator') && (
          <button
            type="button"
            onClick={() => act('/api/failures/replay', matching)}
            data-testid="replay-matching"
          >
            {t('replayMatching')} ({list.data?.total ?? 0})
          </button>
        )}
      </div>
      {message && <p className="notice">{message}</p>}
      <ErrorLine error={list.error} />
      {list.data?.items.length === 0 && <Empty />}
      <div className="split">
        <table data-testid="failures">
          <tbody>
            {list.data?.items.map((failure) => (
              <tr
                key={failure.id}
                className={failure.id === selected ? 'selected' : 'clickable'}
                onClick={() => navigate('failures', { ...matching, id: failure.id })}
                data-testid="failure-row"
              >
                <td>
                  <Badge tone={toneOf(failure.state)}>{failure.state}</Badge>
                </td>
                <td>
                  {failure.connectionId}/{failure.stream} {failure.direction}
                </td>
                <td>{failure.errorClass}</td>
                <td className="message">{failure.message}</td>
                <td>{when(failure.lastSeen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {detail.data && (
          <div className="card" data-testid="failure-detail">
            <h3>
              {detail.data.connectionId}/{detail.data.stream} ({detail.data.direction}){' '}
              <Badge tone={toneOf(detail.data.state)} testId="failure-state">
                {detail.data.state}
              </Badge>
            </h3>
            <p>
              <strong>{t('error')}:</strong> {detail.data.errorClass} · {detail.data.errorCode} —{' '}
              {detail.data.message}
            </p>
            {detail.data.fieldPath && (
              <p>
                <strong>{t('failingField')}:</strong> <code>{detail.data.fieldPath}</code>
              </p>
            )}
            {detail.data.advice && (
              <p>
                <strong>{t('advice')}:</strong> {detail.data.advice}
              </p>
            )}
            <div className="row">
              {can(me, 'operator') && detail.data.state !== 'resolved' && (
                <>
                  <button
                    type="button"
                    className="primary"
                    onClick={() => act(`/api/failures/${detail.data!.id}/replay`)}
                    data-testid="replay-one"
                  >
                    {t('replay')}
                  </button>
                  <button type="button" onClick={() => act(`/api/failures/${detail.data!.id}/ignore`)}>
                    {t('ignore')}
                  </button>
                </>
              )}
              <a
                href={`#/mappings?id=${encodeURIComponent(`${detail.data.connectionId}:${detail.data.stream}:${detail.data.direction}`)}&failure=${detail.data.id}`}
                data-testid="fix-mapping"
              >
                {t('fixMapping')}
              </a>
            </div>
            {detail.data.fieldPath && !hasPath(payloadOf(detail.data), detail.data.fieldPath) && (
              <p>
                <mark data-testid="failing-key">{JSON.stringify(detail.data.fieldPath)}</mark> —{' '}
                {t('missingField')}
              </p>
            )}
            <h4>{t('payload')}</h4>
            <Json
              value={
                detail.data.direction === 'out' && detail.data.mappedPayload
                  ? detail.data.mappedPayload
                  : detail.data.rawPayload
              }
              highlight={detail.data.fieldPath ?? undefined}
            />
          </div>
        )}
      </div>
    </section>
  );
}
