import { type FormEvent, useState } from 'react';
import { can, get, type Me, type Page, post, put } from '../api.ts';
import { Badge, Empty, ErrorLine, runStatusText, toneOf, when } from '../components.tsx';
import { useLoad } from '../hooks.ts';
import { useT } from '../i18n.ts';
import { type JsonSchema, SchemaForm } from './schema-form.tsx';

interface Stream {
  name: string;
  entity: string;
  read: boolean;
  write: boolean;
}
interface Connector {
  kind: string;
  title: string;
  streams: Stream[];
  configSchema: JsonSchema;
}
interface Connection {
  id: string;
  kind: string;
  name: string;
  config: Record<string, unknown>;
  options: Record<string, unknown>;
  secretFields: string[];
  /** The connection's own streams: for csv and rest they come from its config, not its connector. */
  streams: Stream[];
  status: string;
  statusMessage: string | null;
  health: {
    lastRun: (RunSummary & { stream: string }) | null;
    openFailures: number;
    streams: Record<string, RunSummary>;
  };
}
interface RunSummary {
  status: string;
  statusReason: string | null;
  startedAt: string;
}

/** A stream's last run (partial · quota, 12/4/2026 7:40 PM), linking to the stream's runs. */
function LastRun({ connectionId, stream, run }: { connectionId: string; stream: string; run?: RunSummary }) {
  if (!run) return <span className="muted">–</span>;
  const reason =
    run.statusReason && run.statusReason.length > 40 ? `${run.statusReason.slice(0, 39)}…` : run.statusReason;
  return (
    <a href={`#/runs?connection=${connectionId}&stream=${stream}`} title={run.statusReason ?? undefined}>
      <Badge tone={toneOf(run.status)} testId={`last-run-${connectionId}-${stream}`}>
        {runStatusText(run.status, reason)} {when(run.startedAt)}
      </Badge>
    </a>
  );
}
interface Schedule {
  connectionId: string;
  stream: string;
  cron: string;
  enabled: boolean;
}

function ConnectionForm({
  connectors,
  editing,
  onDone,
}: {
  connectors: Connector[];
  editing?: Connection;
  onDone: () => void;
}) {
  const t = useT();
  const [kind, setKind] = useState(editing?.kind ?? connectors[0]?.kind ?? '');
  const [id, setId] = useState(editing?.id ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [config, setConfig] = useState<Record<string, unknown>>(editing?.config ?? {});
  const [error, setError] = useState<string>();
  const connector = connectors.find((candidate) => candidate.kind === kind);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      if (editing) await put(`/api/connections/${editing.id}`, { name, config, options: editing.options });
      else await post('/api/connections', { id, kind, name, config });
      onDone();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <form className="card" onSubmit={submit} data-testid="connection-form">
      <h3>{editing ? `${t('edit')} ${editing.id}` : t('newConnection')}</h3>
      <label>
        {t('kind')}
        <select
          name="kind"
          value={kind}
          disabled={Boolean(editing)}
          onChange={(e) => {
            setKind(e.target.value);
            setConfig({});
          }}
        >
          {connectors.map((candidate) => (
            <option key={candidate.kind} value={candidate.kind}>
              {candidate.title} ({candidate.kind})
            </option>
          ))}
        </select>
      </label>
      {!editing && (
        <label>
          {t('id')} *
          <input name="id" value={id} onChange={(e) => setId(e.target.value)} required />
        </label>
      )}
      <label>
        {t('name')} *
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      {connector && (
        <SchemaForm
          schema={connector.configSchema}
          value={config}
          onChange={setConfig}
          setSecrets={editing?.secretFields ?? []}
        />
      )}
      <ErrorLine error={error} />
      <div className="row">
        <button type="submit" className="primary">
          {editing ? t('save') : t('create')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

export function ConnectionsPage({ me }: { me: Me }) {
  const t = useT();
  /** The API's status words, as an operator reads them: a paused connection's status is `disabled`. */
  const statusLabel = (status: string): string =>
    ({
      active: t('statusActive'),
      disabled: t('paused'),
      needs_reauthorization: t('statusNeedsReauthorization'),
      error: t('statusError'),
    })[status] ?? status;
  const connectors = useLoad(() => get<Page<Connector>>('/api/connectors'), []);
  const connections = useLoad(() => get<Page<Connection>>('/api/connections?limit=500'), [], 5000);
  const schedules = useLoad(() => get<Page<Schedule>>('/api/schedules'), []);
  const [form, setForm] = useState<{ editing?: Connection } | null>(null);
  const [message, setMessage] = useState<string>();
  /** A check can end or start needs_reauthorization: the list is read again to show it. */
  const check = async (id: string) => {
    setMessage(`${id}: ${t('checking')}`);
    await post<{ ok: boolean; checks: Array<{ name: string; message: string }> }>(
      `/api/connections/${id}/check`,
    ).then(
      (result) =>
        setMessage(
          `${id}: ${result.ok ? t('checkOk') : t('checkFailed')} — ${result.checks.map((c) => `${c.name}: ${c.message}`).join('; ')}`,
        ),
      (e: Error) => setMessage(`${id}: ${t('checkFailed')} — ${e.message}`),
    );
    connections.reload();
  };
  const runNow = async (id: string, stream: string) => {
    // A paused connection's run is refused (409): the answer says so.
    await post(`/api/connections/${id}/streams/${stream}/sync`, {}).then(
      () => setMessage(`${id}/${stream}: ${t('runNow')} ✓`),
      (e: Error) => setMessage(e.message),
    );
  };
  /** A paused connection has the status `disabled`; pausing asks why (cancel keeps it running). */
  const togglePause = async (connection: Connection) => {
    const pausing = connection.status !== 'disabled';
    const reason = pausing ? window.prompt(t('pauseReason').replace('{id}', connection.id), '') : '';
    if (reason === null) return;
    const action = pausing ? 'pause' : 'resume';
    const body = reason.trim() ? { reason: reason.trim() } : {};
    await post<{ takeUpFailed?: string; flowRunsTakenUp?: number }>(
      `/api/connections/${connection.id}/${action}`,
      body,
    ).then(
      // Resumed, but what waited could not be queued: the answer says why and to resume again.
      (answer) => {
        const takenUp = answer.flowRunsTakenUp
          ? ` — ${t('flowRunsTakenUp').replace('{n}', String(answer.flowRunsTakenUp))}`
          : '';
        const failed = answer.takeUpFailed ? ` (${answer.takeUpFailed})` : '';
        setMessage(`${connection.id}: ${t(pausing ? 'paused' : 'resumed')}${takenUp}${failed}`);
      },
      (e: Error) => setMessage(e.message),
    );
    connections.reload();
  };
  const setSchedule = async (id: string, stream: string, current?: Schedule) => {
    const cron = window.prompt(`${t('schedule')} ${id}/${stream} (cron)`, current?.cron ?? '*/15 * * * *');
    if (!cron) return;
    await put(`/api/connections/${id}/schedules/${stream}`, { cron, enabled: true }).catch((e: Error) =>
      setMessage(e.message),
    );
    schedules.reload();
  };
  const done = () => {
    setForm(null);
    connections.reload();
  };
  return (
    <section>
      <header className="row">
        <h2>{t('connections')}</h2>
        {can(me, 'admin') && (
          <button type="button" className="primary" onClick={() => setForm({})} data-testid="new-connection">
            {t('newConnection')}
          </button>
        )}
      </header>
      {message && (
        <p className="notice" data-testid="notice">
          {message}
        </p>
      )}
      <ErrorLine error={connections.error} />
      {form && connectors.data && (
        <ConnectionForm connectors={connectors.data.items} editing={form.editing} onDone={done} />
      )}
      {connections.data?.items.length === 0 && <Empty />}
      <div className="cards">
        {connections.data?.items.map((connection) => {
          return (
            <article key={connection.id} className="card" data-testid={`connection-${connection.id}`}>
              <h3>
                {connection.name}{' '}
                <small>
                  {connection.id} · {connection.kind}
                </small>
              </h3>
              <p>
                <Badge tone={toneOf(connection.status)} testId={`status-${connection.id}`}>
                  {statusLabel(connection.status)}
                </Badge>{' '}
                {t('lastRun')}:{' '}
                {connection.health.lastRun ? (
                  <Badge tone={toneOf(connection.health.lastRun.status)}>
                    {connection.health.lastRun.stream} {connection.health.lastRun.status}{' '}
                    {when(connection.health.lastRun.startedAt)}
                  </Badge>
                ) : (
                  '–'
                )}{' '}
                {t('openFailures')}:{' '}
                <a href={`#/failures?connection=${connection.id}`}>
                  <Badge tone={connection.health.openFailures ? 'red' : 'green'}>
                    {connection.health.openFailures}
                  </Badge>
                </a>
              </p>
              {connection.statusMessage && <p className="muted">{connection.statusMessage}</p>}
              <table>
                <tbody>
                  {connection.streams
                    .filter((stream) => stream.read)
                    .map((stream) => {
                      const schedule = schedules.data?.items.find(
                        (s) => s.connectionId === connection.id && s.stream === stream.name,
                      );
                      return (
                        <tr key={stream.name}>
                          <td>{stream.name}</td>
                          <td>
                            <LastRun
                              connectionId={connection.id}
                              stream={stream.name}
                              run={connection.health.streams[stream.name]}
                            />
                          </td>
                          <td className="muted">
                            {schedule ? `${schedule.cron}${schedule.enabled ? '' : ' (off)'}` : ''}
                          </td>
                          <td className="actions">
                            {can(me, 'operator') && (
                              <button type="button" onClick={() => runNow(connection.id, stream.name)}>
                                {t('runNow')}
                              </button>
                            )}
                            {can(me, 'admin') && (
                              <button
                                type="button"
                                onClick={() => setSchedule(connection.id, stream.name, schedule)}
                              >
                                {t('schedule')}
                              </button>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                </tbody>
              </table>
              <div className="row">
                {can(me, 'operator') && (
                  <button type="button" onClick={() => check(connection.id)}>
                    {t('test')}
                  </button>
                )}
                {can(me, 'admin') && (
                  <button type="button" onClick={() => setForm({ editing: connection })}>
                    {t('edit')}
                  </button>
                )}
                {can(me, 'admin') && (
                  <button
                    type="button"
                    onClick={() => togglePause(connection)}
                    data-testid={`pause-${connection.id}`}
                  >
                    {connection.status === 'disabled' ? t('resume') : t('pause')}
                  </button>
                )}
                <a href={`#/mappings?connection=${connection.id}`}>{t('mappings')}</a>
              </div>
            </article>
          );
        })}
      </div>
    </section>
  );
}
