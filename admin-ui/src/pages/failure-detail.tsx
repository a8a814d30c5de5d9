import { can, type Me } from '../api.ts';
import { Badge, Json, toneOf } from '../components.tsx';
import { useT } from '../i18n.ts';

export interface Failure {
  id: string;
  connectionId: string;
  stream: string;
  direction: string;
  externalId: string | null;
  errorClass: string;
  errorCode: string;
  message: string;
  fieldPath: string | null;
  state: string;
  attempts: number;
  lastSeen: string;
  rawPayload: unknown;
  mappedPayload: unknown;
  advice?: string;
}

function hasPath(value: unknown, path: string): boolean {
  let node = value;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

export function FailureDetail({
  failure,
  me,
  act,
}: {
  failure: Failure;
  me: Me;
  act: (path: string) => void;
}) {
  const t = useT();
  return (
    <div className="card" data-testid="failure-detail">
      <h3>
        {failure.connectionId}/{failure.stream} ({failure.direction}){' '}
        <Badge tone={toneOf(failure.state)} testId="failure-state">
          {failure.state}
        </Badge>
      </h3>
      <p>
        <strong>{t('error')}:</strong> {failure.errorClass} · {failure.errorCode} — {failure.message}
      </p>
      {failure.fieldPath && (
        <p>
          <strong>{t('failingField')}:</strong> <code>{failure.fieldPath}</code>
        </p>
      )}
      {failure.advice && (
        <p>
          <strong>{t('advice')}:</strong> {failure.advice}
        </p>
      )}
      <div className="row">
        {can(me, 'operator') && failure.state !== 'resolved' && (
          <>
            <button
              type="button"
              className="primary"
              onClick={() => act(`/api/failures/${failure.id}/replay`)}
              data-testid="replay-one"
            >
              {t('replay')}
            </button>
            <button type="button" onClick={() => act(`/api/failures/${failure.id}/ignore`)}>
              {t('ignore')}
            </button>
          </>
        )}
        <a
          href={`#/mappings?id=${encodeURIComponent(`${failure.connectionId}:${failure.stream}:${failure.direction}`)}&failure=${failure.id}`}
          data-testid="fix-mapping"
        >
          {t('fixMapping')}
        </a>
      </div>
      <FailurePayloads failure={failure} />
    </div>
  );
}

/**
 * The raw payload and, when the failure has one, the mapped payload, with the failing field marked
 * in the payload its path names. A failure with a mapped payload failed in or after mapping, so its
 * path names a mapped field (a canonical one inbound, the target's outbound); one without (a parse
 * error, a missing primary key) names a field of the raw payload.
 */
function FailurePayloads({ failure }: { failure: Failure }) {
  const t = useT();
  const mapped = failure.mappedPayload ?? undefined;
  const path = failure.fieldPath ?? undefined;
  const inMapped = mapped !== undefined;
  const missing = path !== undefined && !hasPath(inMapped ? mapped : failure.rawPayload, path);
  return (
    <>
      {missing && (
        <p>
          <mark data-testid="failing-key">{JSON.stringify(path)}</mark> —{' '}
          {t(inMapped ? 'missingFromMapped' : 'missingFromRaw')}
        </p>
      )}
      <h4>{t('rawPayload')}</h4>
      <Json value={failure.rawPayload} highlight={inMapped ? undefined : path} testId="raw-payload" />
      {inMapped && (
        <>
          <h4>{t('mappedPayload')}</h4>
          <Json value={mapped} highlight={path} testId="mapped-payload" />
        </>
      )}
    </>
  );
}
