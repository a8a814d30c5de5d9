import { useState } from 'react';
import { ApiError, can, get, type Me, type Page, post, query } from '../api.ts';
import { navigate } from '../app.tsx';
import { Empty, ErrorLine, Json, when } from '../components.tsx';
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

function ReviewQueue({ me }: { me: Me }) {
  const t = useT();
  const matches = useLoad(
    () =>
      get<Page<Match>>('/api/mdm/matches?state=review').catch((error: unknown) =>
        error instanceof ApiError && error.status === 404 ? null : Promise.reject(error),
      ),
    [],
  );
  if (matches.data === null) return <p className="muted">{t('reviewUnavailable')}</p>;
  const decide = async (id: string, decision: 'approve' | 'reject') => {
    await post(`/api/mdm/matches/${id}/${decision}`);
    matches.reload();
  };
  return (
    <table>
      <tbody>
        {matches.data?.items.map((match) => (
          <tr key={match.id}>
            <td>{match.entity}</td>
            <td>{match.score.toFixed(2)}</td>
            <td>
              <a href={`#/records?entity=${match.entity}&id=${match.leftId}`}>{match.leftId.slice(0, 8)}</a> ↔{' '}
              <a href={`#/records?entity=${match.entity}&id=${match.rightId}`}>{match.rightId.slice(0, 8)}</a>
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
  );
}

export function RecordsPage({ me, params }: { me: Me; params: URLSearchParams }) {
  const t = useT();
  const entity = params.get('entity') ?? 'customer';
  const q = params.get('q') ?? '';
  const id = params.get('id') ?? undefined;
  const [text, setText] = useState(q);
  const list = useLoad(
    () => get<Page<Golden>>(`/api/records/${entity}${query({ q, limit: 50 })}`),
    [entity, q],
  );
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
          navigate('records', { entity, q: text });
        }}
      >
        <select value={entity} onChange={(e) => navigate('records', { entity: e.target.value })}>
          {entities.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
        <input name="q" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('search')} />
        <button type="submit">{t('search')}</button>
      </form>
      <ErrorLine error={list.error} />
      {list.data?.items.length === 0 && <Empty />}
      <div className="split">
        <table>
          <tbody>
            {list.data?.items.map((record) => (
              <tr
                key={record.id}
                className={record.id === id ? 'selected' : 'clickable'}
                onClick={() => navigate('records', { entity, q, id: record.id })}
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
                  <th>Field</th>
                  <th>Value</th>
                  <th>{t('lineage')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(detail.data.record.body).map(([field, value]) => (
                  <tr key={field}>
                    <td>{field}</td>
                    <td>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</td>
                    <td className="muted">
                      {detail.data!.record.lineage[field]
                        ? JSON.stringify(detail.data!.record.lineage[field])
                        : ''}
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
      <ReviewQueue me={me} />
    </section>
  );
}
