const secretKeyPattern =
  /pass(word)?|secret|token|api[-_]?key|authorization|private[-_]?key|cookie|credential|master[-_]?key/i;
const knownSecretValues = new Set<string>();
const REDACTED = '[redacted]';
/**
 * Renewed credentials (rotated refresh tokens) are registered as they come: without a bound the
 * list, scanned for every log line, would grow for as long as the process runs. The values used
 * longest ago, long since revoked, leave first.
 */
export const MAX_SECRET_VALUES = 2_000;

/** Values registered here are masked wherever they appear in a log line, even inside messages. */
export function registerSecretValue(value: string | undefined): void {
  if (!value || value.length < 4) return;
  knownSecretValues.delete(value);
  knownSecretValues.add(value);
  for (const oldest of knownSecretValues) {
    if (knownSecretValues.size <= MAX_SECRET_VALUES) break;
    knownSecretValues.delete(oldest);
  }
}

export function isSecretKey(key: string): boolean {
  return secretKeyPattern.test(key);
}

function maskKnownValues(text: string): string {
  let masked = text;
  for (const secret of knownSecretValues) {
    if (masked.includes(secret)) masked = masked.split(secret).join(REDACTED);
  }
  return masked;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskKnownValues(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: maskKnownValues(value.message),
      stack: maskKnownValues(value.stack ?? ''),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && inner !== undefined && inner !== null ? REDACTED : redact(inner, depth + 1);
  }
  return out;
}
