import { z } from 'zod';
import { secretPaths } from '../../connector/define.ts';
import { HubError } from '../../errors/index.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { contentHash } from '../hash.ts';

const positiveInt = z.number().int().positive();

/** The options a connection's write queue is consumed with: the queue refuses any others. */
export const writeQueueOptionsSchema = z.object({
  /** Outbound writes allowed per `perMs` (the target's rate limit). */
  rateLimit: z.object({ max: positiveInt, perMs: positiveInt }).optional(),
  /** Writes in flight at once, per worker process. */
  concurrency: positiveInt.optional(),
});

/** The options of a connection's writes beyond its queue's. */
const writeOptionsSchema = writeQueueOptionsSchema.extend({
  /** How long writes pause once the target's circuit opened, before one probe (ms). */
  circuitHalfOpenMs: positiveInt.optional(),
});

/** A connection's options as saved: the write path's are checked, the others are the connector's. */
export const connectionOptionsSchema = writeOptionsSchema.catchall(z.unknown());

export interface ConnectionOptions extends z.infer<typeof writeOptionsSchema> {
  allowPrivateNetwork?: boolean;
  defaultRegion?: string;
  [key: string]: unknown;
}

/**
 * `value` parsed by `schema`, or an `invalid_data` error naming the connection and the first
 * refused field under `part` (`config.baseUrl`, `options.concurrency`).
 */
export function checkedConnectionPart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  connectionId: string,
  part: 'config' | 'options',
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const fieldPath = [part, ...issue.path.map(String)].join('.');
  throw new HubError(
    'invalid_data',
    `invalid_connection_${part}`,
    `connection ${connectionId}: ${fieldPath}: ${issue.message}`,
    { fieldPath },
  );
}

/**
 * Where a connection stands: `active`; `needs_reauthorization` once its system refused the
 * credentials, until a call gets through again or new secrets are saved; `disabled` while an admin
 * has paused it (nothing is read from or written to it, and what arrives for it waits); `error`,
 * which the hub does not set itself and ends as it ends needs_reauthorization.
 */
export type ConnectionStatus = 'active' | 'needs_reauthorization' | 'disabled' | 'error';

/** Longer status messages are cut: a vendor's error page is no status line. */
export const STATUS_MESSAGE_MAX = 1_000;

export const CONNECTION_PAUSED = 'connection_paused';

/** A run asked for a paused connection: refused, naming the connection and why it was paused. */
export function connectionPaused(id: string, reason: string | null): HubError {
  const why = reason ? ` (${reason})` : '';
  return new HubError(
    'conflict',
    CONNECTION_PAUSED,
    `Connection "${id}" is paused${why}; resume it to run its streams`,
    { details: { connectionId: id, reason } },
  );
}

export interface Connection {
  id: string;
  kind: string;
  name: string;
  /** Full config including decrypted secrets: never send this to a client or a log. */
  config: Record<string, unknown>;
  options: ConnectionOptions;
  status: string;
  statusMessage: string | null;
  createdAt: string;
  updatedAt: string;
  /** Which secrets `config` holds: a new value each time new ones are saved. */
  secretsVersion: number;
}

/** What the API may show: secrets replaced by a marker saying whether they are set. */
export interface ConnectionView extends Omit<Connection, 'config' | 'secretsVersion'> {
  config: Record<string, unknown>;
  secretFields: string[];
}

/** A connection without its config: what deciding on its workers needs, with no secret opened. */
export type ConnectionSummary = Pick<Connection, 'id' | 'kind' | 'name' | 'options' | 'status' | 'updatedAt'>;

/** The value at a dotted path (`auth.token`), or undefined. */
export function getPath(target: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      target,
    );
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] = typeof node[key] === 'object' && node[key] !== null ? { ...(node[key] as object) } : {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Splits a config into its public part and its secrets, by the connector's secret() marks. */
export function splitSecrets(config: Record<string, unknown>, schema: z.ZodType) {
  const paths = secretPaths(schema);
  const publicPart: Record<string, unknown> = structuredClone(config);
  const secrets: Record<string, unknown> = {};
  for (const path of paths) {
    const value = getPath(config, path);
    if (value === undefined) continue;
    // Clearing an absent path would create its parents: `auth: {}` where the config had no auth.
    secrets[path] = value;
    setPath(publicPart, path, undefined);
  }
  return { publicPart, secrets, paths };
}

/** Whether the sealed secrets stored differ from `secrets` (unreadable ones differ). */
export function secretsDiffer(
  box: SecretBox,
  stored: string | null,
  secrets: Record<string, unknown>,
): boolean {
  if (!stored) return Object.keys(secrets).length > 0;
  try {
    return contentHash(JSON.parse(box.open(stored))) !== contentHash(secrets);
  } catch {
    return true;
  }
}

/**
 * Opens connections' sealed secrets, keeping what each one's sealed text opened to: listing the
 * connections every second decrypts only the secrets saved since (another sealed text).
 */
export function createSecretsCache(box: SecretBox) {
  const opened = new Map<string, { sealed: string; secrets: Record<string, unknown> }>();
  return {
    of(connectionId: string, sealed: string | null): Record<string, unknown> {
      if (!sealed) return {};
      const known = opened.get(connectionId);
      if (known?.sealed === sealed) return known.secrets;
      const secrets = JSON.parse(box.open(sealed)) as Record<string, unknown>;
      opened.set(connectionId, { sealed, secrets });
      return secrets;
    },
    /** Lets go of the secrets of connections no longer listed: deleted, in any process. */
    keepOnly(listed: Set<string>) {
      for (const id of opened.keys()) if (!listed.has(id)) opened.delete(id);
    },
    forget(connectionId: string) {
      opened.delete(connectionId);
    },
  };
}
