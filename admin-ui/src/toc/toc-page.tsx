import { type ReactElement, useEffect, useRef, useState } from 'react';
import buffersExample from '../../../core/toc/examples/buffers.json';
import mixExample from '../../../core/toc/examples/mix.json';
import quoteExample from '../../../core/toc/examples/quote.json';
import scheduleExample from '../../../core/toc/examples/schedule.json';
import timeBuffersExample from '../../../core/toc/examples/time-buffers.json';
import { get, post } from '../api.ts';
import { navigate } from '../app.tsx';
import { ErrorLine } from '../components.tsx';
import { type TextKey, useT } from '../i18n.ts';
import { BufferBoard, DrumGantt, MixBoard, QuoteBoard, TimeBufferBoard } from './boards.tsx';

// biome-ignore lint/suspicious/noExplicitAny: each board reads the JSON its engine answers
type Answer = any;
/** What GET /api/toc/services/<name> answers: the engine input built from the golden records and its result. */
interface LiveAnswer {
  asOf: string;
  input: unknown;
  result: Answer;
  skipped: Array<{ entity: string; id: string; reason: string }>;
}
type Source = 'live' | 'example';

const boards: Array<{
  key: string;
  label: TextKey;
  /** The engine a what-if input is posted to (POST /api/toc/<command>). */
  command: string;
  /** The service that builds the engine input from the synced data. */
  service: string;
  example: unknown;
  render: (answer: Answer) => ReactElement;
}> = [
  {
    key: 'buffers',
    label: 'bufferBoard',
    command: 'buffers',
    service: 'buffers',
    example: buffersExample,
    render: (a) => <BufferBoard answer={a} />,
  },
  {
    key: 'drum',
    label: 'drum',
    command: 'schedule',
    service: 'drum-schedule',
    example: scheduleExample,
    render: (a) => <DrumGantt answer={a} />,
  },
  {
    key: 'time-buffers',
    label: 'timeBuffers',
    command: 'time-buffers',
    service: 'time-buffers',
    example: timeBuffersExample,
    render: (a) => <TimeBufferBoard answer={a} />,
  },
  {
    key: 'mix',
    label: 'mix',
    command: 'mix',
    service: 'throughput',
    example: mixExample,
    render: (a) => <MixBoard answer={a} />,
  },
  {
    key: 'quote',
    label: 'quote',
    command: 'quote',
    service: 'quote',
    example: quoteExample,
    render: (a) => <QuoteBoard answer={a} />,
  },
];

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Each board shows the plant as synced: its service builds the engine input from the golden
 * records (GET /api/toc/services/<name>). The input can be edited and calculated again as a
 * what-if (POST /api/toc/<engine>), which changes nothing in the hub; `source=example` starts
 * from the engine's example instead.
 */
export function TocPage({ params }: { params: URLSearchParams }) {
  const t = useT();
  const board = boards.find((candidate) => candidate.key === params.get('board')) ?? boards[0]!;
  const source: Source = params.get('source') === 'example' ? 'example' : 'live';
  const [input, setInput] = useState('');
  const [answer, setAnswer] = useState<{ board: string; value: Answer }>();
  const [basis, setBasis] = useState<Pick<LiveAnswer, 'asOf' | 'skipped'>>();
  const [error, setError] = useState<string>();
  const latest = useRef(0);
  /**
   * Runs one request for the board; its answer is shown only if no later one was asked for
   * meanwhile (another board, the other source, Calculate again), so a slow answer never
   * replaces a newer one.
   */
  const attempt = async (work: () => Promise<{ value: Answer; live?: LiveAnswer }>) => {
    const ticket = ++latest.current;
    setError(undefined);
    try {
      const { value, live } = await work();
      if (ticket !== latest.current) return;
      if (live) {
        setInput(pretty(live.input));
        setBasis({ asOf: live.asOf, skipped: live.skipped });
      }
      setAnswer({ board: board.key, value });
    } catch (caught) {
      if (ticket !== latest.current) return;
      setAnswer(undefined);
      setError((caught as Error).message);
    }
  };
  const calculate = (text: string) =>
    attempt(async () => ({ value: await post(`/api/toc/${board.command}`, JSON.parse(text)) }));
  const loadLive = () =>
    attempt(async () => {
      const live = await get<LiveAnswer>(`/api/toc/services/${board.service}`);
      return { value: live.result, live };
    });
  // A new board, or source, starts from the synced data or from the engine's example.
  useEffect(() => {
    setAnswer(undefined);
    setBasis(undefined);
    if (source === 'live') {
      setInput('');
      loadLive();
    } else {
      const example = pretty(board.example);
      setInput(example);
      calculate(example);
    }
  }, [board.key, source]);
  // Synced data is the default, so only the example is named in the address.
  const show = (boardKey: string, from: Source) =>
    navigate('toc', { board: boardKey, ...(from === 'example' ? { source: from } : {}) });
  const sourceButton = (candidate: Source, label: TextKey) => (
    <button
      type="button"
      className={candidate === source ? 'active' : ''}
      onClick={() => show(board.key, candidate)}
      data-testid={`source-${candidate}`}
    >
      {t(label)}
    </button>
  );
  return (
    <section>
      <h2>{t('toc')}</h2>
      <div className="tabs">
        {boards.map((candidate) => (
          <button
            key={candidate.key}
            type="button"
            className={candidate.key === board.key ? 'active' : ''}
            onClick={() => show(candidate.key, source)}
            data-testid={`board-${candidate.key}`}
          >
            {t(candidate.label)}
          </button>
        ))}
      </div>
      <div className="tabs">
        {sourceButton('live', 'liveData')}
        {sourceButton('example', 'exampleData')}
      </div>
      {source === 'live' && basis ? <LiveBasis basis={basis} /> : null}
      <div className="split wide-left">
        <div data-testid="board">{answer?.board === board.key ? board.render(answer.value) : null}</div>
        <div>
          <label>
            {t('input')}
            <textarea
              name="toc-input"
              rows={20}
              className="code"
              value={input}
              onChange={(e) => setInput(e.target.value)}
              spellCheck={false}
            />
          </label>
          <button type="button" className="primary" onClick={() => calculate(input)} data-testid="calculate">
            {t('calculate')}
          </button>
          <ErrorLine error={error} />
        </div>
      </div>
    </section>
  );
}

/** When the synced data was read, and the records the service left out (with why), which a board would otherwise hide. */
function LiveBasis({ basis }: { basis: Pick<LiveAnswer, 'asOf' | 'skipped'> }) {
  const t = useT();
  return (
    <div className="muted" data-testid="live-basis">
      <span data-testid="live-as-of">{t('liveAsOf').replace('{asOf}', basis.asOf)}</span>
      {basis.skipped.length > 0 ? (
        <details>
          <summary data-testid="live-skipped">
            {t('recordsLeftOut').replace('{count}', String(basis.skipped.length))}
          </summary>
          <ul>
            {basis.skipped.map((item) => (
              <li key={`${item.entity}-${item.id}`}>
                {item.entity} {item.id}: {item.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
