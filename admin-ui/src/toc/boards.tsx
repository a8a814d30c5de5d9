import { Badge } from '../components.tsx';
import { useT } from '../i18n.ts';

// biome-ignore lint/suspicious/noExplicitAny: the engines' JSON, rendered as it comes
type Answer = any;
const colourOrder: Record<string, number> = { black: 0, red: 1, yellow: 2, green: 3, blue: 4 };

/** Items by execution colour, most urgent first (lowest on-hand % of the red zone top). */
export function BufferBoard({ answer }: { answer: Answer }) {
  const t = useT();
  const items = [...answer.items].sort(
    (a: Answer, b: Answer) =>
      (colourOrder[a.executionPriority] ?? 9) - (colourOrder[b.executionPriority] ?? 9) ||
      a.onHandPct - b.onHandPct,
  );
  return (
    <table>
      <thead>
        <tr>
          <th>Item</th>
          <th>{t('priority')}</th>
          <th>On hand %</th>
          <th>Planning</th>
          <th>NFP %</th>
          <th>Order</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item: Answer) => (
          <tr key={item.id} data-testid="buffer-item" data-id={item.id} data-color={item.executionPriority}>
            <td>{item.id}</td>
            <td>
              <Badge tone={item.executionPriority}>{item.executionPriority}</Badge>
            </td>
            <td>
              <div className="bar">
                <span
                  className={item.executionPriority}
                  style={{ width: `${Math.min(100, item.onHandPct / 3)}%` }}
                />
              </div>
              {item.onHandPct}
            </td>
            <td>
              <Badge tone={item.planningPriority}>{item.planningPriority}</Badge>
            </td>
            <td>{item.nfpPct}</td>
            <td>{item.recommendedQty}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** The constraint's drum as a Gantt chart: one bar per order, a rope marker on each release date. */
export function DrumGantt({ answer }: { answer: Answer }) {
  const t = useT();
  const orders = new Map<string, Answer>(answer.orders.map((order: Answer) => [order.id, order]));
  const dates = answer.drum
    .flatMap((slot: Answer) => [
      slot.start,
      slot.end,
      orders.get(slot.order)?.releaseDate,
      orders.get(slot.order)?.dueDate,
    ])
    .filter(Boolean);
  const first = Math.min(...dates.map(dayOf));
  const last = Math.max(...dates.map(dayOf));
  const days = Math.round((last - first) / DAY) + 1;
  const x = (iso: string) => ((dayOf(iso) - first) / DAY / days) * 100;
  const width = (start: string, end: string) => (((dayOf(end) - dayOf(start)) / DAY + 1) / days) * 100;
  return (
    <div>
      <h3>
        {t('constraint')}: <span data-testid="drum-constraint">{answer.constraint}</span>
      </h3>
      <svg
        className="gantt"
        viewBox={`0 0 100 ${answer.drum.length * 8 + 6}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${t('drum')}: ${answer.constraint}`}
      >
        <title>{`${t('drum')}: ${answer.constraint}`}</title>
        {Array.from({ length: days }, (_, index) => (
          <line
            key={index}
            x1={(index / days) * 100}
            x2={(index / days) * 100}
            y1={0}
            y2={answer.drum.length * 8 + 6}
            className="grid"
          />
        ))}
        {answer.drum.map((slot: Answer, index: number) => {
          const order = orders.get(slot.order);
          return (
            <g
              key={slot.order}
              data-testid="drum-bar"
              data-order={slot.order}
              data-start={slot.start}
              data-end={slot.end}
            >
              <rect
                x={x(slot.start)}
                y={index * 8 + 2}
                width={width(slot.start, slot.end)}
                height={5}
                className={order?.late ? 'late' : 'ontime'}
              />
              {order?.releaseDate && (
                <path
                  data-testid="rope-marker"
                  data-order={slot.order}
                  data-date={order.releaseDate}
                  d={`M ${x(order.releaseDate)} ${index * 8 + 1} l 0.8 -1 l -1.6 0 z`}
                  className="rope"
                />
              )}
            </g>
          );
        })}
      </svg>
      <table>
        <thead>
          <tr>
            <th>Order</th>
            <th>{t('rope')}</th>
            <th>Drum</th>
            <th>Due</th>
            <th>Ship</th>
          </tr>
        </thead>
        <tbody>
          {answer.orders.map((order: Answer) => (
            <tr key={order.id} className={order.late ? 'late' : ''}>
              <td>{order.id}</td>
              <td>{order.releaseDate}</td>
              <td>
                {order.constraintStart} → {order.constraintEnd}
              </td>
              <td>{order.dueDate}</td>
              <td>{order.plannedShipDate}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TimeBufferBoard({ answer }: { answer: Answer }) {
  return (
    <div>
      <p className="row">
        {Object.entries(answer.counts as Record<string, number>).map(([colour, count]) => (
          <Badge key={colour} tone={colour} testId={`tb-count-${colour}`}>
            {colour}: {count}
          </Badge>
        ))}
      </p>
      <div className="columns">
        {['black', 'red', 'yellow', 'green'].map((colour) => (
          <div key={colour} className={`column ${colour}`}>
            <h4>{colour}</h4>
            {answer.orders
              .filter((order: Answer) => order.color === colour)
              .map((order: Answer) => (
                <div
                  key={order.id}
                  className="ticket"
                  data-testid="tb-order"
                  data-id={order.id}
                  data-color={order.color}
                >
                  <strong>{order.id}</strong> {order.dueDate} · {order.penetrationPct}%
                </div>
              ))}
          </div>
        ))}
      </div>
    </div>
  );
}

export function MixBoard({ answer }: { answer: Answer }) {
  const t = useT();
  return (
    <div>
      <h3>
        {t('constraint')}: <span data-testid="mix-constraint">{answer.primaryConstraint}</span>
      </h3>
      <h4>{t('ranking')}</h4>
      <ol>
        {answer.ranking.map((row: Answer) => (
          <li key={row.product} data-testid="mix-rank" data-product={row.product}>
            {row.product}: {row.throughputPerConstraintMinute} / min ({row.throughputPerUnit} ÷{' '}
            {row.constraintMinutesPerUnit})
          </li>
        ))}
      </ol>
      <h4>{t('mix')}</h4>
      <table>
        <tbody>
          {answer.mix.map((row: Answer) => (
            <tr
              key={row.product}
              data-testid="mix-row"
              data-product={row.product}
              data-quantity={row.quantity}
            >
              <td>{row.product}</td>
              <td>{row.quantity}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t('netProfit')}: <strong data-testid="mix-net-profit">{answer.netProfit}</strong>
      </p>
      {answer.loads.map((load: Answer) => (
        <div key={load.resource} className="load">
          {load.resource}{' '}
          <div className="bar">
            <span
              className={load.utilizationPct > 100 ? 'red' : 'green'}
              style={{ width: `${Math.min(100, load.utilizationPct / 1.5)}%` }}
            />
          </div>{' '}
          {load.utilizationPct}%
        </div>
      ))}
    </div>
  );
}

export function QuoteBoard({ answer }: { answer: Answer }) {
  const t = useT();
  return (
    <div>
      <h3>CCR: {answer.ccr}</h3>
      <table>
        <thead>
          <tr>
            <th>Order</th>
            <th>{t('quotedDate')}</th>
            <th>{t('releaseDate')}</th>
            <th>CCR load</th>
          </tr>
        </thead>
        <tbody>
          {answer.orders.map((order: Answer) => (
            <tr key={order.id} data-testid="quote-row" data-id={order.id} data-quoted={order.quotedDate}>
              <td>{order.id}</td>
              <td>{order.quotedDate}</td>
              <td>{order.releaseDate}</td>
              <td>{order.plannedLoadDate}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
