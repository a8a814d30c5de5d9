import { useState } from 'react';
import { can, get, type Me, type Page, post, query } from '../api.ts';
import { navigate, withParams } from '../app.tsx';
import { Badge, Empty, ErrorLine, offsetOf, Pager, toneOf, when } from '../components.tsx';
import { useLoad } from '../hooks.ts';
import { useT } from '../i18n.ts';
import { type Failure, FailureDetail } from './failure-detail.tsx';

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

const PAGE_SIZE = 100;
/** POST /api/failures/replay takes at most this many failures a call (replayMatching in core/sync/replay.ts). */
const REPLAY_LIMIT = 1000;

type FailureList = Page<Failure> & { counts: Record<string, number> };

/** What POST /api/failures/replay answers: resolved and ignored failures are skipped, not replayed. */
interface MatchingReplay {
  replayed: number;
  skipped: number;
  skips: Array<{ code: string }>;
  beyondLimit: number;
}

/** The states a failure can be replayed from: a resolved or ignored one is left as it is. */
const replayableStates = ['open', 'replayed'];

/** The failures POST /api/failures/replay takes for `filter`: those in its state, open when it names none. */
const replayFilterOf = (filter: Record<string, string>) =>
  Object.fromEntries(
    Object.entries({ ...filter, state: filter.state || 'open' }).filter(([, value]) => value),
  );

/** "Replayed: 3 · skipped: 2 (replay_not_supported ×2)": what the hub did, not what matched. */
function replaySummary(result: MatchingReplay, t: ReturnType<typeof useT>): string {
  const byCode = new Map<string, number>();
  for (const skip of result.skips) byCode.set(skip.code, (byCode.get(skip.code) ?? 0) + 1);
  const codes = [...byCode].map(([code, n]) => `${code} ×${n}`).join(', ');
  const skipped = `${t('skipped')}: ${result.skipped}${codes ? ` (${codes})` : ''}`;
  const beyond = result.beyondLimit > 0 ? ` · ${t('beyondLimit')}: ${result.beyondLimit}` : '';
  return `${t('replayed')}: ${result.replayed} · ${skipped}${beyond}`;
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
      get<FailureList>(`/api/failures${query({ ...filter, limit: PAGE_SIZE, offset: offsetOf(params) })}`),
    [params.toString()],
    2000,
  );
  const detail = useLoad(
    () => (selected ? get<Failure>(`/api/failures/${selected}`) : Promise.resolve(undefined)),
    [selected],
    selected ? 2000 : undefined,
  );
  const operator = can(me, 'operator');
  const replayFilter = replayFilterOf(filter);
  const offerReplay = operator && replayableStates.includes(replayFilter.state!);
  const replayableQuery = query({ ...replayFilter, limit: 1 });
  const replayable = useLoad(
    () => (offerReplay ? get<FailureList>(`/api/failures${replayableQuery}`) : Promise.resolve(undefined)),
    [replayableQuery, offerReplay],
    offerReplay ? 2000 : undefined,
  );
  const setFilter = (key: string, value: string) =>
    navigate(
      'failures',
      Object.fromEntries(Object.entries({ ...filter, [key]: value }).filter(([, v]) => v)),
    );
  const act = async (path: string, body: unknown = {}) => {
    try {
      const result = await post<{ state?: string } | MatchingReplay>(path, body);
      setMessage('replayed' in result ? replaySummary(result, t) : `${t('state')}: ${result.state}`);
      list.reload();
      replayable.reload();
      detail.reload();
    } catch (caught) {
      setMessage((caught as Error).message);
    }
  };
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
          key={`connection:${filter.connection}`}
          defaultValue={filter.connection}
          onBlur={(e) => setFilter('connection', e.target.value)}
        />
        <input
          placeholder={t('stream')}
          name="stream"
          key={`stream:${filter.stream}`}
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
          key={`text:${filter.text}`}
          defaultValue={filter.text}
          onKeyDown={(e) => e.key === 'Enter' && setFilter('text', e.currentTarget.value)}
        />
        {offerReplay && (
          <button
            type="button"
            onClick={() => act('/api/failures/replay', replayFilter)}
            data-testid="replay-matching"
          >
            {t('replayMatching')} ({Math.min(replayable.data?.total ?? 0, REPLAY_LIMIT)})
          </button>
        )}
      </div>
      {message && <p className="notice">{message}</p>}
      <ErrorLine error={list.error} />
      {list.data?.items.length === 0 && <Empty />}
      <Pager
        page={list.data}
        onOffset={(offset) =>
          navigate('failures', withParams(params, { offset: offset > 0 ? String(offset) : '' }))
        }
      />
      <div className="split">
        <table data-testid="failures">
          <thead>
            <tr>
              <th>{t('state')}</th>
              <th>
                {t('connection')} / {t('stream')}
              </th>
              <th>{t('errorClass')}</th>
              <th>{t('message')}</th>
              <th>{t('lastSeen')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((failure) => (
              <tr
                key={failure.id}
                className={failure.id === selected ? 'selected' : 'clickable'}
                onClick={() => navigate('failures', withParams(params, { id: failure.id }))}
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
        {detail.data && <FailureDetail failure={detail.data} me={me} act={act} />}
      </div>
    </section>
  );
}
