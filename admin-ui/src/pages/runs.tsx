import { get, type Page, query } from '../api.ts';
import { navigate, withParams } from '../app.tsx';
import {
  Badge,
  Empty,
  ErrorLine,
  Json,
  offsetOf,
  Pager,
  runStatusText,
  toneOf,
  when,
} from '../components.tsx';
import { useLoad } from '../hooks.ts';
import { useT } from '../i18n.ts';

interface SchemaDrift {
  added?: string[];
  removed?: string[];
}

interface Run {
  id: string;
  connectionId: string;
  stream: string;
  mode: string;
  status: string;
  statusReason: string | null;
  counts: Record<string, number>;
  schemaDrift: SchemaDrift | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

const PAGE_SIZE = 100;
const statuses = ['running', 'succeeded', 'partial', 'failed', 'abandoned'];
const filterKeys = ['connection', 'stream', 'status'] as const;

/** 850 ms, 12.4 s, 3 min 5 s: how long a run took (or has taken so far). */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

const driftOf = (run: Run) => ({
  added: run.schemaDrift?.added ?? [],
  removed: run.schemaDrift?.removed ?? [],
});

/** The status, and why a run is partial or failed ("partial · quota"), so that it never reads as success. */
function RunStatus({ run }: { run: Run }) {
  const t = useT();
  const drift = driftOf(run);
  const drifted = drift.added.length + drift.removed.length > 0;
  return (
    <>
      <Badge tone={toneOf(run.status)} testId="run-status">
        {runStatusText(run.status, run.statusReason)}
      </Badge>{' '}
      {drifted && (
        <Badge tone="yellow" testId="run-drift">
          {t('schemaDrift')}
        </Badge>
      )}
    </>
  );
}

function DriftList({ run }: { run: Run }) {
  const t = useT();
  const drift = driftOf(run);
  if (drift.added.length + drift.removed.length === 0) return null;
  return (
    <div data-testid="run-drift-fields">
      <h4>{t('schemaDrift')}</h4>
      {drift.added.length > 0 && (
        <p>
          {t('fieldsAdded')}: <code>{drift.added.join(', ')}</code>
        </p>
      )}
      {drift.removed.length > 0 && (
        <p>
          {t('fieldsRemoved')}: <code>{drift.removed.join(', ')}</code>
        </p>
      )}
    </div>
  );
}

function RunDetail({ run }: { run: Run }) {
  const t = useT();
  return (
    <div className="card" data-testid="run-detail">
      <h3>
        {run.connectionId}/{run.stream} <RunStatus run={run} />
      </h3>
      {run.error && <p className="error">{run.error}</p>}
      <DriftList run={run} />
      <p>
        <a href={`#/failures?connection=${run.connectionId}&stream=${run.stream}`}>{t('failures')}</a>
      </p>
      <Json value={run} />
    </div>
  );
}

function RunFilters({ filter }: { filter: Record<(typeof filterKeys)[number], string> }) {
  const t = useT();
  const setFilter = (key: string, value: string) =>
    navigate('runs', Object.fromEntries(Object.entries({ ...filter, [key]: value }).filter(([, v]) => v)));
  return (
    <div className="filters">
      {(['connection', 'stream'] as const).map((key) => (
        <input
          key={`${key}:${filter[key]}`}
          placeholder={t(key)}
          name={key}
          defaultValue={filter[key]}
          onBlur={(e) => setFilter(key, e.target.value.trim())}
          onKeyDown={(e) => e.key === 'Enter' && setFilter(key, e.currentTarget.value.trim())}
        />
      ))}
      <select name="status" value={filter.status} onChange={(e) => setFilter('status', e.target.value)}>
        <option value="">
          {t('status')}: {t('any')}
        </option>
        {statuses.map((name) => (
          <option key={name}>{name}</option>
        ))}
      </select>
    </div>
  );
}

/** The live list polls every two seconds, so running counts move as pages land. */
export function RunsPage({ params }: { params: URLSearchParams }) {
  const t = useT();
  const selected = params.get('id') ?? undefined;
  const filter = Object.fromEntries(filterKeys.map((key) => [key, params.get(key) ?? ''])) as Record<
    (typeof filterKeys)[number],
    string
  >;
  const runs = useLoad(
    () => get<Page<Run>>(`/api/runs${query({ ...filter, limit: PAGE_SIZE, offset: offsetOf(params) })}`),
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
      <RunFilters filter={filter} />
      <ErrorLine error={runs.error} />
      {runs.data?.items.length === 0 && <Empty />}
      <Pager
        page={runs.data}
        onOffset={(offset) =>
          navigate('runs', withParams(params, { offset: offset > 0 ? String(offset) : '' }))
        }
      />
      <div className="split">
        <table data-testid="runs">
          <thead>
            <tr>
              <th>{t('connection')}</th>
              <th>{t('stream')}</th>
              <th>{t('status')}</th>
              <th>{t('counts')}</th>
              <th>{t('started')}</th>
              <th>{t('duration')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.items.map((run) => (
              <tr
                key={run.id}
                onClick={() => navigate('runs', withParams(params, { id: run.id }))}
                className={run.id === selected ? 'selected' : 'clickable'}
                data-testid="run-row"
              >
                <td>{run.connectionId}</td>
                <td>{run.stream}</td>
                <td>
                  <RunStatus run={run} />
                </td>
                <td className="counts">
                  {Object.entries(run.counts)
                    .filter(([, n]) => n > 0)
                    .map(([key, n]) => `${key} ${n}`)
                    .join(' · ')}
                </td>
                <td>{when(run.startedAt)}</td>
                <td>{formatDuration(run.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {detail.data && <RunDetail run={detail.data} />}
      </div>
    </section>
  );
}
