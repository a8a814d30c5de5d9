import { get, type Page, query } from '../api.ts';
import { navigate, withParams } from '../app.tsx';
import { Badge, Empty, ErrorLine, Json, offsetOf, Pager, toneOf, when } from '../components.tsx';
import { useLoad } from '../hooks.ts';
import { useT } from '../i18n.ts';

interface Run {
  id: string;
  connectionId: string;
  stream: string;
  mode: string;
  status: string;
  counts: Record<string, number>;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

const PAGE_SIZE = 100;

/** The live list polls every two seconds, so running counts move as pages land. */
export function RunsPage({ params }: { params: URLSearchParams }) {
  const t = useT();
  const selected = params.get('id') ?? undefined;
  const runs = useLoad(
    () =>
      get<Page<Run>>(
        `/api/runs${query({ connection: params.get('connection') ?? undefined, limit: PAGE_SIZE, offset: offsetOf(params) })}`,
      ),
    [params.toString()],
    2000,
  );
  const detail = useLoad(
    () => (selected ? get<Run>(`/api/runs/${selected}`) : Promise.resolve(undefined)),
    [selected],
    selected ? 2000 : undefined,
  );
  return (
    <section>
      <h2>{t('runs')}</h2>
      <ErrorLine error={runs.error} />
      {runs.data?.items.length === 0 && <Empty />}
      <Pager
        page={runs.data}
        onOffset={(offset) =>
          navigate('runs', withParams(params, { offset: offset > 0 ? String(offset) : '' }))
        }
      />
      <table data-testid="runs">
        <thead>
          <tr>
            <th>{t('connection')}</th>
            <th>{t('stream')}</th>
            <th>{t('status')}</th>
            <th>{t('counts')}</th>
            <th>{t('started')}</th>
          </tr>
        </thead>
        <tbody>
          {runs.data?.items.map((run) => (
            <tr
              key={run.id}
              onClick={() => navigate('runs', withParams(params, { id: run.id }))}
              className={run.id === selected ? 'selected' : 'clickable'}
            >
              <td>{run.connectionId}</td>
              <td>{run.stream}</td>
              <td>
                <Badge tone={toneOf(run.status)}>{run.status}</Badge>
              </td>
              <td className="counts">
                {Object.entries(run.counts)
                  .filter(([, n]) => n > 0)
                  .map(([key, n]) => `${key} ${n}`)
                  .join(' · ')}
              </td>
              <td>{when(run.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {detail.data && (
        <div className="card">
          <h3>
            {detail.data.connectionId}/{detail.data.stream}{' '}
            <Badge tone={toneOf(detail.data.status)}>{detail.data.status}</Badge>
          </h3>
          <p>
            <a href={`#/failures?connection=${detail.data.connectionId}&stream=${detail.data.stream}`}>
              {t('failures')}
            </a>
          </p>
          <Json value={detail.data} />
        </div>
      )}
    </section>
  );
}
