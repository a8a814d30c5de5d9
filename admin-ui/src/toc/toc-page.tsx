import { type ReactElement, useEffect, useState } from 'react';
import buffersExample from '../../../core/toc/examples/buffers.json';
import mixExample from '../../../core/toc/examples/mix.json';
import quoteExample from '../../../core/toc/examples/quote.json';
import scheduleExample from '../../../core/toc/examples/schedule.json';
import timeBuffersExample from '../../../core/toc/examples/time-buffers.json';
import { post } from '../api.ts';
import { navigate } from '../app.tsx';
import { ErrorLine } from '../components.tsx';
import { type TextKey, useT } from '../i18n.ts';
import { BufferBoard, DrumGantt, MixBoard, QuoteBoard, TimeBufferBoard } from './boards.tsx';

// biome-ignore lint/suspicious/noExplicitAny: each board reads the JSON its engine answers
type Answer = any;
const boards: Array<{
  key: string;
  label: TextKey;
  command: string;
  example: unknown;
  render: (answer: Answer) => ReactElement;
}> = [
  {
    key: 'buffers',
    label: 'bufferBoard',
    command: 'buffers',
    example: buffersExample,
    render: (a) => <BufferBoard answer={a} />,
  },
  {
    key: 'drum',
    label: 'drum',
    command: 'schedule',
    example: scheduleExample,
    render: (a) => <DrumGantt answer={a} />,
  },
  {
    key: 'time-buffers',
    label: 'timeBuffers',
    command: 'time-buffers',
    example: timeBuffersExample,
    render: (a) => <TimeBufferBoard answer={a} />,
  },
  { key: 'mix', label: 'mix', command: 'mix', example: mixExample, render: (a) => <MixBoard answer={a} /> },
  {
    key: 'quote',
    label: 'quote',
    command: 'quote',
    example: quoteExample,
    render: (a) => <QuoteBoard answer={a} />,
  },
];

/** Each board posts its input to POST /api/toc/<engine>; the input starts as the engine's example and can be edited. */
export function TocPage({ params }: { params: URLSearchParams }) {
  const t = useT();
  const board = boards.find((candidate) => candidate.key === params.get('board')) ?? boards[0]!;
  const [input, setInput] = useState(() => JSON.stringify(board.example, null, 2));
  const [answer, setAnswer] = useState<{ board: string; value: Answer }>();
  const [error, setError] = useState<string>();
  const calculate = async (text: string) => {
    try {
      setError(undefined);
      setAnswer({ board: board.key, value: await post(`/api/toc/${board.command}`, JSON.parse(text)) });
    } catch (caught) {
      setAnswer(undefined);
      setError((caught as Error).message);
    }
  };
  // A new board starts from its example.
  useEffect(() => {
    const text = JSON.stringify(board.example, null, 2);
    setInput(text);
    setAnswer(undefined);
    calculate(text);
  }, [board.key]);
  return (
    <section>
      <h2>{t('toc')}</h2>
      <div className="tabs">
        {boards.map((candidate) => (
          <button
            key={candidate.key}
            type="button"
            className={candidate.key === board.key ? 'active' : ''}
            onClick={() => navigate('toc', { board: candidate.key })}
            data-testid={`board-${candidate.key}`}
          >
            {t(candidate.label)}
          </button>
        ))}
      </div>
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
