import { useEffect, useState } from 'react';
import { can, get, type Me, type Page, post, put, query } from '../api.ts';
import { navigate } from '../app.tsx';
import { Badge, ErrorLine, Json } from '../components.tsx';
import { useLoad } from '../hooks.ts';
import { useT } from '../i18n.ts';

interface MappingItem {
  id: string;
  connectionId: string;
  stream: string;
  direction: string;
  entity: string;
  version: number;
}
interface MappingDetail extends MappingItem {
  label: string;
  defaultYaml: string;
  overrideYaml: string;
  effectiveYaml: string;
  history: Array<{ version: number; createdBy: string; createdAt: string | null }>;
}
interface Problem {
  path: string;
  message: string;
}
interface DryRunAnswer {
  valid: boolean;
  errors: Problem[];
  samples: Array<{ index: number; status: string; output: unknown; errors: Problem[] }>;
}

function Editor({ me, id, failureId }: { me: Me; id: string; failureId?: string }) {
  const t = useT();
  const detail = useLoad(() => get<MappingDetail>(`/api/mappings/${encodeURIComponent(id)}`), [id]);
  const [yaml, setYaml] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [sample, setSample] = useState('');
  // The failure's payload as loaded: dry-run by failureId while it is unedited, so the hub maps the
  // failed record itself (outbound: with its id, version and target id, as the write would).
  const [failureSample, setFailureSample] = useState<string>();
  const [result, setResult] = useState<DryRunAnswer>();
  const [message, setMessage] = useState<string>();
  const [diff, setDiff] = useState<string>();
  useEffect(() => {
    if (detail.data) setYaml(detail.data.overrideYaml);
  }, [detail.data]);
  useEffect(() => {
    if (failureId)
      get<{ rawPayload: unknown }>(`/api/failures/${failureId}`).then(
        (failure) => {
          const text = JSON.stringify(failure.rawPayload, null, 2);
          setSample(text);
          setFailureSample(text);
        },
        () => undefined,
      );
  }, [failureId]);
  useEffect(() => {
    if (!can(me, 'operator')) return;
    const timer = setTimeout(() => {
      post<{ errors: Problem[] }>(`/api/mappings/${encodeURIComponent(id)}/validate`, { yaml }).then(
        (answer) => setProblems(answer.errors),
        (e: Error) => setProblems([{ path: '(request)', message: e.message }]),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [id, yaml, me]);
  const dryRun = async () => {
    try {
      setResult(
        await post<DryRunAnswer>(
          `/api/mappings/${encodeURIComponent(id)}/dry-run`,
          failureId && sample === failureSample
            ? { yaml, failureId }
            : { yaml, samples: [JSON.parse(sample || '{}')] },
        ),
      );
    } catch (caught) {
      setMessage((caught as Error).message);
    }
  };
  const save = async () => {
    try {
      const saved = await put<{ version: number }>(`/api/mappings/${encodeURIComponent(id)}`, { yaml });
      setMessage(`${t('saved')}: v${saved.version}`);
      detail.reload();
    } catch (caught) {
      setMessage((caught as Error).message);
    }
  };
  const showDiff = async (version: number) => {
    const answer = await get<{ patch: string }>(
      `/api/mappings/${encodeURIComponent(id)}/diff${query({ from: Math.max(1, version - 1), to: version })}`,
    );
    setDiff(answer.patch);
  };
  if (!detail.data) return <ErrorLine error={detail.error} />;
  return (
    <div className="card" data-testid="mapping-editor">
      <h3>
        {id}{' '}
        <small>
          {detail.data.entity} · {detail.data.label}
        </small>
      </h3>
      <div className="split">
        <div>
          <label>
            {t('override')}
            <textarea
              name="override"
              rows={12}
              className="code"
              value={yaml}
              onChange={(e) => setYaml(e.target.value)}
              spellCheck={false}
            />
          </label>
          <p data-testid="mapping-validity">
            {problems.length === 0 ? (
              <Badge tone="green">{t('valid')}</Badge>
            ) : (
              <Badge tone="red">{t('invalid')}</Badge>
            )}
          </p>
          <ul className="problems">
            {problems.map((problem) => (
              <li key={`${problem.path}${problem.message}`}>
                <code>{problem.path}</code> {problem.message}
              </li>
            ))}
          </ul>
          {can(me, 'admin') && (
            <button
              type="button"
              className="primary"
              onClick={save}
              disabled={problems.length > 0}
              data-testid="save-mapping"
            >
              {t('save')}
            </button>
          )}
          {message && (
            <p className="notice" data-testid="mapping-message">
              {message}
            </p>
          )}
          <h4>{t('history')}</h4>
          <ul>
            {detail.data.history.map((entry) => (
              <li key={entry.version}>
                v{entry.version} · {entry.createdBy}{' '}
                {entry.version > 1 && (
                  <button type="button" onClick={() => showDiff(entry.version)}>
                    {t('diff')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {diff && (
            <pre className="diff" data-testid="mapping-diff">
              {diff.split('\n').map((line, index) => (
                <span
                  key={index}
                  className={line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : ''}
                >
                  {line}
                  {'\n'}
                </span>
              ))}
            </pre>
          )}
        </div>
        <div>
          <label>
            {t('sample')}
            <textarea
              name="sample"
              rows={8}
              className="code"
              value={sample}
              onChange={(e) => setSample(e.target.value)}
              spellCheck={false}
            />
          </label>
          {can(me, 'operator') && (
            <button type="button" onClick={dryRun} data-testid="dry-run">
              {t('dryRun')}
            </button>
          )}
          {result && (
            <div data-testid="dry-run-result">
              {[...result.errors, ...result.samples.flatMap((s) => s.errors)].map((problem) => (
                <p className="error" key={`${problem.path}${problem.message}`}>
                  <code>{problem.path}</code> {problem.message}
                </p>
              ))}
              {result.samples.map((s) => (
                <div key={s.index}>
                  <Badge tone={s.status === 'ok' ? 'green' : 'red'}>{s.status}</Badge>
                  <Json value={s.output} />
                </div>
              ))}
            </div>
          )}
          <details>
            <summary>{t('defaultMapping')}</summary>
            <pre className="code">{detail.data.defaultYaml}</pre>
          </details>
        </div>
      </div>
    </div>
  );
}

export function MappingsPage({ me, params }: { me: Me; params: URLSearchParams }) {
  const t = useT();
  const connection = params.get('connection') ?? undefined;
  const selected = params.get('id') ?? undefined;
  const list = useLoad(() => get<Page<MappingItem>>(`/api/mappings${query({ connection })}`), [connection]);
  return (
    <section>
      <h2>{t('mappings')}</h2>
      <ErrorLine error={list.error} />
      <table data-testid="mappings">
        <thead>
          <tr>
            <th>{t('connection')}</th>
            <th>{t('stream')}</th>
            <th>{t('direction')}</th>
            <th>{t('entity')}</th>
            <th>{t('version')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((item) => (
            <tr
              key={item.id}
              className={item.id === selected ? 'selected' : 'clickable'}
              onClick={() => navigate('mappings', { ...(connection ? { connection } : {}), id: item.id })}
            >
              <td>{item.connectionId}</td>
              <td>{item.stream}</td>
              <td>{item.direction}</td>
              <td>{item.entity}</td>
              <td>v{item.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && (
        <Editor key={selected} me={me} id={selected} failureId={params.get('failure') ?? undefined} />
      )}
    </section>
  );
}
