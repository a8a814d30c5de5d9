import { useState } from 'react';
import { ApiError, type CursorPage, type CursorStep, can, get, type Me, post, query } from '../api.ts';
import { navigate, withParams } from '../app.tsx';
import { CursorPager, Empty, ErrorLine, Json, when } from '../components.tsx';
import { useLoad } from '../hooks.ts';
import { useT } from '../i18n.ts';

const entities = [
  'customer',
  'contact',
  'supplier',
  'item',
  'opportunity',
  'sales_order',
  'purchase_order',
  'stock_level',
  'work_center',
  'routing',
  'work_order',
  'shipment',
];
interface Golden {
  id: string;
  displayName: string;
  naturalKey: string | null;
  version: number;
  updatedAt: string;
  body: Record<string, unknown>;
  lineage: Record<string, unknown>;
}
interface Detail {
  record: Golden;
  sources: Array<{ connectionId: string; stream: string; externalId: string; raw: unknown }>;
  xrefs: Array<{ connectionId: string; externalId: string }>;
  history: Array<{
    seq: number;
    version: number;
    operation: string;
    changedFields: string[];
    sourceSystem: string;
    createdAt: string;
  }>;
  merges: Array<{ id: string; survivorId: string; mergedId: string; actor: string; mergedAt: string }>;
}
interface Match {
  id: string;
  entity: string;
  score: number;
  leftId: string;
  rightId: string;
  state: string;
}

const PAGE_SIZE = 50;

/** The URL params in which each list of the page keeps its place (a cursor), apart from the other's. */
export const recordCursors = { after: 'after', before: 'before' } as const;
export const reviewCursors = { after: 'reviewAfter', before: 'reviewBefore' } as const;
type CursorParams = typeof recordCursors | typeof reviewCursors;

/** The cursor a list's params name, for its API call. */
export function cursorQuery(params: URLSearchParams, keys: CursorParams) {
  return { after: params.get(keys.after) ?? undefined, before: params.get(keys.before) ?? undefined };
}

/** The page's params with one list moved by `step`: the search, entity and the other list stay. */
export function movedParams(params: URLSearchParams, keys: CursorParams, step: CursorStep) {
  return withParams(params, { [keys.after]: step.after ?? '', [keys.before]: step.before ?? '' });
}

/** The golden records the page lists: its entity, its search, from its cursor. */
export function recordListPath(params: URLSearchParams): string {
  const entity = params.get('entity') ?? 'customer';
  const q = params.get('q') ?? undefined;
  return `/api/records/${entity}${query({ q, limit: PAGE_SIZE, ...cursorQuery(params, recordCursors) })}`;
}

function ReviewQueue({ me, params }: { me: Me; params: URLSearchParams }) {
  const t = useT();
  const path = `/api/mdm/matches${query({ state: 'review', limit: PAGE_SIZE, ...cursorQuery(params, reviewCursors) })}`;
  const matches = useLoad(
    () =>
      get<CursorPage<Match>>(path).catch((error: unknown) =>
        error instanceof ApiError && error.status === 404 ? null : Promise.reject(error),
      ),
    [path],
  );
  if (matches.data === null) return <p className="muted">{t('reviewUnavailable')}</p>;
  const decide = async (id: string, decision: 'approve' | 'reject') => {
    await post(`/api/mdm/matches/${id}/${decision}`);
    matches.reload();
  };
  return (
    <>
      <ErrorLine error={matches.error} />
      {matches.data?.items.length === 0 && <Empty />}
      <CursorPager
        page={matches.data}
        onMove={(step) => navigate('records', movedParams(params, reviewCursors, step))}
        testId="review-pager"
      />
      <table data-testid="review-queue">
        <tbody>
          {matches.data?.items.map((match) => (
            <tr key={match.id}>
              <td>{match.entity}</td>
              <td>{match.score.toFixed(2)}</td>
              <td>
                <a href={`#/records?entity=${match.entity}&id=${match.leftId}`}>{match.leftId.slice(0, 8)}</a>{' '}
                ↔{' '}
                <a href={`#/records?entity=${match.entity}&id=${match.rightId}`}>
                  {match.rightId.slice(0, 8)}
                </a>
              </td>
              <td>
                {can(me, 'operator') && (
                  <>
                    <button type="button" onClick={() => decide(match.id, 'approve')}>
                      {t('approve')}
                    </button>
                    <button type="button" onClick={() => decide(match.id, 'reject')}>
                      {t('reject')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function RecordsPage({ me, params }: { me: Me; params: URLSearchParams }) {
  const t = useT();
  const entity = params.get('entity') ?? 'customer';
  const q = params.get('q') ?? '';
  const id = params.get('id') ?? undefined;
  const [text, setText] = useState(q);
  const listPath = recordListPath(params);
  const list = useLoad(() => get<CursorPage<Golden>>(listPath), [listPath]);
  const detail = useLoad(
    () => (id ? get<Detail>(`/api/records/${entity}/${id}`) : Promise.resolve(undefined)),
    [entity, id],
  );
  return (
    <section>
      <h2>{t('masterData')}</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate('records', withParams(params, { q: text, id: '', after: '', before: '' }));
        }}
      >
        <select
          value={entity}
          onChange={(e) =>
            navigate(
              'records',
              withParams(params, { entity: e.target.value, q: '', id: '', after: '', before: '' }),
            )
          }
        >
          {entities.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <input name="q" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('search')} />
        <button type="submit">{t('search')}</button>
      </form>
      <ErrorLine error={list.error} />
      {list.data?.items.length === 0 && <Empty />}
      <CursorPager
        page={list.data}
        onMove={(step) => navigate('records', movedParams(params, recordCursors, step))}
        testId="records-pager"
      />
      <div className="split">
        <table data-testid="records">
          <thead>
            <tr>
              <th>{t('name')}</th>
              <th>{t('naturalKey')}</th>
              <th>{t('version')}</th>
              <th>{t('updated')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((record) => (
              <tr
                key={record.id}
                className={record.id === id ? 'selected' : 'clickable'}
                onClick={() => navigate('records', withParams(params, { id: record.id }))}
              >
                <td>{record.displayName}</td>
                <td>{record.naturalKey}</td>
                <td>v{record.version}</td>
                <td>{when(record.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {detail.data && (
          <div className="card" data-testid="record-detail">
            <h3>{detail.data.record.displayName}</h3>
            <table>
              <thead>
                <tr>
                  <th>{t('field')}</th>
                  <th>{t('value')}</th>
                  <th>{t('lineage')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(detail.data.record.body).map(([field, value]) => (
                  <tr key={field}>
                    <td>{field}</td>
                    <td>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</td>
                    <td className="muted">
                      <LineageOf source={detail.data!.record.lineage[field]} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h4>{t('xrefs')}</h4>
            <ul>
              {detail.data.xrefs.map((xref) => (
                <li key={`${xref.connectionId}${xref.externalId}`}>
                  {xref.connectionId}: <code>{xref.externalId}</code>
                </li>
              ))}
            </ul>
            <h4>{t('history')}</h4>
            <ul>
              {detail.data.history.map((entry) => (
                <li key={entry.seq}>
                  v{entry.version} {entry.operation} {entry.changedFields.join(', ')} · {entry.sourceSystem} ·{' '}
                  {when(entry.createdAt)}
                </li>
              ))}
            </ul>
            {detail.data.merges.length > 0 && (
              <>
                <h4>{t('merges')}</h4>
                <Json value={detail.data.merges} />
              </>
            )}
            <h4>{t('sources')}</h4>
            {detail.data.sources.map((source) => (
              <details key={`${source.connectionId}${source.stream}${source.externalId}`}>
                <summary>
                  {source.connectionId}/{source.stream} {source.externalId}
                </summary>
                <Json value={source.raw} />
              </details>
            ))}
          </div>
        )}
      </div>
      <h3>{t('reviewQueue')}</h3>
      <ReviewQueue me={me} params={params} />
    </section>
  );
}

/** Where a field's value came from: connection, its id there and when, as survivorship kept it. */
function LineageOf({ source }: { source: unknown }) {
  if (typeof source !== 'object' || source === null) return null;
  const { connectionId, externalId, at } = source as Record<string, unknown>;
  if (typeof connectionId !== 'string') return <>{JSON.stringify(source)}</>;
  return (
    <>
      {connectionId}: <code>{String(externalId ?? '')}</code>
      {typeof at === 'string' ? ` · ${when(at)}` : ''}
    </>
  );
}
