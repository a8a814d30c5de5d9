import type { z } from 'zod';
import { HubError } from '../../errors/index.ts';
import { registerSecretValue } from '../../log/redact.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import type { Db, Queryable } from '../db.ts';
import {
  type Connection,
  type ConnectionOptions,
  type ConnectionStatus,
  type ConnectionSummary,
  type ConnectionView,
  checkedConnectionPart,
  connectionOptionsSchema,
  createSecretsCache,
  STATUS_MESSAGE_MAX,
  secretsDiffer,
  setPath,
  splitSecrets,
} from './connection-model.ts';
import { forgetCachedCredentials } from './connection-state.ts';

export {
  CONNECTION_PAUSED,
  type Connection,
  type ConnectionOptions,
  type ConnectionStatus,
  type ConnectionSummary,
  type ConnectionView,
  checkedConnectionPart,
  connectionOptionsSchema,
  connectionPaused,
  STATUS_MESSAGE_MAX,
  splitSecrets,
  writeQueueOptionsSchema,
} from './connection-model.ts';

interface ConnectionRow {
  id: string;
  kind: string;
  name: string;
  config: Record<string, unknown>;
  secrets_encrypted: string | null;
  options: ConnectionOptions;
  status: string;
  status_message: string | null;
  created_at: string;
  updated_at: string;
  secrets_version: number;
}
/**
 * What a connection leaves when deleted, for the connections `where` selects: its operational
 * state goes (cursors, mapping overrides, leases, parked records, webhook events, write records,
 * links and source copies of another system's records), which a connection created again under
 * the same id must not inherit; its open failures are resolved, kept as history with the reason,
 * so that none is replayed into a new connection. connection_state and schedules go by their
 * foreign keys; sync_runs stay as history.
 */
export function connectionLeftoverStatements(where: string): string[] {
  const tables = [
    'sync_state',
    'mapping_versions',
    'stream_locks',
    'pending_refs',
    'webhook_events',
    'outbound_writes',
    'last_written',
    'xref',
    'source_records',
  ];
  return [
    `UPDATE failed_syncs SET state = 'resolved', resolved_at = now(),
       message = 'The connection was deleted. The failure was: ' || message
     WHERE ${where} AND state IN ('open', 'replayed')`,
    ...tables.map((table) => `DELETE FROM ${table} WHERE ${where}`),
  ];
}

/**
 * Refuses while a stream of the connection is leased: its run (on any worker, which nothing can stop
 * from here) would write cursors, links and source records on after the delete.
 */
async function refuseWhileSyncing(tx: Queryable, id: string): Promise<void> {
  const { rows } = await tx.query<{ stream: string; run_id: string | null }>(
    `SELECT lease.stream, run.id AS run_id FROM stream_locks lease
     LEFT JOIN sync_runs run ON run.connection_id = lease.connection_id AND run.stream = lease.stream AND run.status = 'running'
     WHERE lease.connection_id = $1 AND lease.expires_at + lease.grace_ms * interval '1 millisecond' >= now()
     ORDER BY run.started_at DESC NULLS LAST LIMIT 1`,
    [id],
  );
  const busy = rows[0];
  if (!busy) return;
  const run = busy.run_id ? `run ${busy.run_id}` : 'a run starting';
  throw new HubError(
    'conflict',
    'connection_syncing',
    `Connection "${id}" is syncing ${busy.stream} (${run}); delete it once the run has ended`,
    { details: { connectionId: id, stream: busy.stream, runId: busy.run_id } },
  );
}

/** The statuses a call that gets through, or new credentials, put back to active (never a pause). */
const NEEDS_FIXING = `status IN ('needs_reauthorization', 'error')`;
const BACK_TO_ACTIVE = `status = 'active', status_message = NULL, updated_at = now()`;
/** The secrets version given as `param` is the stored one, or none was given. */
const madeWithCurrentSecrets = (param: string) =>
  `(${param}::bigint IS NULL OR secrets_version = ${param}::bigint)`;
/** connection_state key of the status a paused connection had before its pause. */
const PAUSED_FROM = 'paused-from';

export function createConnectionsRepo(db: Db, box: SecretBox, cacheMs = 1_000) {
  // The hot paths (every change batch, every write job) read connections; a short cache keeps that
  // to one query a second, and every change made through this repo clears it at once.
  let cached: { at: number; list: Promise<Connection[]> } | undefined;
  const invalidate = () => {
    cached = undefined;
  };
  const openedSecrets = createSecretsCache(box);
  function open(row: ConnectionRow): Connection {
    const config = structuredClone(row.config);
    for (const [path, value] of Object.entries(
      structuredClone(openedSecrets.of(row.id, row.secrets_encrypted)),
    )) {
      setPath(config, path, value);
      // Each time, not once: the log redaction forgets the values registered longest ago.
      if (typeof value === 'string') registerSecretValue(value);
    }
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      config,
      options: row.options,
      status: row.status,
      statusMessage: row.status_message,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      secretsVersion: row.secrets_version,
    };
  }

  return {
    /**
     * Creates or replaces a connection; the config is validated by its connector's schema first, and
     * the options the write queue is consumed with by connectionOptionsSchema. New secrets are a
     * re-authorization: the credentials the connector cached from the old ones (a session, a
     * rotated refresh token) are dropped with the same commit, a connection whose credentials
     * were refused is active again (the next call tells whether the new ones work), and the
     * secrets version moves on, so that calls still in flight with the old ones set no status.
     */
    async save(
      input: {
        id: string;
        kind: string;
        name: string;
        config: Record<string, unknown>;
        options?: ConnectionOptions;
      },
      schema: z.ZodType,
    ) {
      checkedConnectionPart(schema, input.config, input.id, 'config');
      checkedConnectionPart(connectionOptionsSchema, input.options ?? {}, input.id, 'options');
      const { publicPart, secrets } = splitSecrets(input.config, schema);
      for (const value of Object.values(secrets)) if (typeof value === 'string') registerSecretValue(value);
      const sealed = Object.keys(secrets).length > 0 ? box.seal(JSON.stringify(secrets)) : null;
      await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ secrets_encrypted: string | null }>(
          'SELECT secrets_encrypted FROM connections WHERE id = $1 FOR UPDATE',
          [input.id],
        );
        await tx.query(
          `INSERT INTO connections (id, kind, name, config, secrets_encrypted, options)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, config = EXCLUDED.config,
             secrets_encrypted = EXCLUDED.secrets_encrypted, options = EXCLUDED.options, updated_at = now()`,
          [
            input.id,
            input.kind,
            input.name,
            JSON.stringify(publicPart),
            sealed,
            JSON.stringify(input.options ?? {}),
          ],
        );
        if (rows[0] && secretsDiffer(box, rows[0].secrets_encrypted, secrets)) {
          await forgetCachedCredentials(tx, input.id);
          await tx.query(
            `UPDATE connections SET secrets_version = nextval('connection_secrets_versions') WHERE id = $1`,
            [input.id],
          );
          await tx.query(`UPDATE connections SET ${BACK_TO_ACTIVE} WHERE id = $1 AND ${NEEDS_FIXING}`, [
            input.id,
          ]);
          // Paused meanwhile: the resume is not to bring back a refusal of the old secrets.
          await tx.query(`DELETE FROM connection_state WHERE connection_id = $1 AND key = '${PAUSED_FROM}'`, [
            input.id,
          ]);
        }
      });
      invalidate();
    },

    /** Every connection with its decrypted config, at most `cacheMs` old. */
    listCached(): Promise<Connection[]> {
      if (!cached || Date.now() - cached.at > cacheMs) {
        const list = db.query<ConnectionRow>('SELECT * FROM connections ORDER BY name').then(({ rows }) => {
          openedSecrets.keepOnly(new Set(rows.map((row) => row.id)));
          return rows.map(open);
        });
        cached = { at: Date.now(), list };
        list.catch(invalidate);
      }
      return cached.list;
    },

    async getCached(id: string): Promise<Connection> {
      const found = (await this.listCached()).find((connection) => connection.id === id);
      return found ?? this.get(id);
    },

    async get(id: string): Promise<Connection> {
      const { rows } = await db.query<ConnectionRow>('SELECT * FROM connections WHERE id = $1', [id]);
      if (!rows[0]) throw new HubError('not_found', 'connection_not_found', `No connection "${id}"`);
      return open(rows[0]);
    },

    async list(): Promise<ConnectionView[]> {
      const { rows } = await db.query<ConnectionRow>('SELECT * FROM connections ORDER BY name');
      return rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        name: row.name,
        config: row.config,
        secretFields: Object.keys(openedSecrets.of(row.id, row.secrets_encrypted)),
        options: row.options,
        status: row.status,
        statusMessage: row.status_message,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }));
    },

    /** Every connection without its config or secrets, read fresh: nothing is decrypted. */
    async listSummaries(): Promise<ConnectionSummary[]> {
      const { rows } = await db.query<
        Pick<ConnectionRow, 'id' | 'kind' | 'name' | 'options' | 'status' | 'updated_at'>
      >('SELECT id, kind, name, options, status, updated_at FROM connections ORDER BY name');
      return rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        name: row.name,
        options: row.options,
        status: row.status,
        updatedAt: row.updated_at,
      }));
    },

    /** Sets the status as given: pausing a connection is setting it to `disabled`, with the reason. */
    async setStatus(id: string, status: ConnectionStatus, message?: string) {
      await db.query(
        'UPDATE connections SET status = $2, status_message = $3, updated_at = now() WHERE id = $1',
        [id, status, message ?? null],
      );
      invalidate();
    },

    /** The connection's status and its message, read fresh; undefined when there is no such connection. */
    async statusOf(id: string): Promise<{ status: string; statusMessage: string | null } | undefined> {
      const { rows } = await db.query<{ status: string; status_message: string | null }>(
        'SELECT status, status_message FROM connections WHERE id = $1',
        [id],
      );
      return rows[0] && { status: rows[0].status, statusMessage: rows[0].status_message };
    },

    /**
     * Its system refused the credentials: needs_reauthorization with why. A paused connection stays
     * paused. With `secretsVersion`, the secrets the refused call was made with: replaced since, they
     * say nothing of the connection's own.
     */
    async markNeedsReauthorization(id: string, message: string, secretsVersion?: number) {
      await db.query(
        `UPDATE connections SET status = 'needs_reauthorization', status_message = $2, updated_at = now()
         WHERE id = $1 AND status <> 'disabled' AND ${madeWithCurrentSecrets('$3')}`,
        [id, message.slice(0, STATUS_MESSAGE_MAX), secretsVersion ?? null],
      );
      invalidate();
    },

    /**
     * A call got through: active again, from needs_reauthorization or error only (never from paused).
     * With `secretsVersion`, as for markNeedsReauthorization: only while the call's secrets are current.
     */
    async markWorking(id: string, secretsVersion?: number) {
      await db.query(
        `UPDATE connections SET ${BACK_TO_ACTIVE} WHERE id = $1 AND ${NEEDS_FIXING} AND ${madeWithCurrentSecrets('$2')}`,
        [id, secretsVersion ?? null],
      );
      invalidate();
    },

    /**
     * Pauses the connection (`disabled`, the reason as its message), keeping the status it had so
     * the resume brings back a needs_reauthorization. Pausing a paused one changes only the reason.
     */
    async pause(id: string, reason?: string) {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO connection_state (connection_id, key, value, updated_at)
           SELECT id, '${PAUSED_FROM}', jsonb_build_object('status', status, 'message', status_message), now()
           FROM connections WHERE id = $1 AND status <> 'disabled'
           ON CONFLICT (connection_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
          [id],
        );
        await tx.query(
          `UPDATE connections SET status = 'disabled', status_message = $2, updated_at = now() WHERE id = $1`,
          [id, reason ?? null],
        );
      });
      invalidate();
    },

    /**
     * Ends a pause: active again, or needs_reauthorization again with its message when that was
     * the status before the pause (only a call that gets through or new secrets end that). A
     * connection that is not paused is left as it is.
     */
    async resume(id: string) {
      await db.transaction(async (tx) => {
        // Parked records wait for references its reads would bring: the pause does not count.
        await tx.query(
          `UPDATE pending_refs p SET first_seen = p.first_seen + (now() - GREATEST(p.first_seen, paused.updated_at))
           FROM connection_state paused, connections c
           WHERE paused.connection_id = $1 AND paused.key = '${PAUSED_FROM}' AND c.id = $1 AND c.status = 'disabled'
             AND p.connection_id = $1`,
          [id],
        );
        await tx.query(
          `WITH prior AS (
           DELETE FROM connection_state WHERE connection_id = $1 AND key = '${PAUSED_FROM}' RETURNING value),
         refused AS (
           SELECT value->>'message' AS message FROM prior WHERE value->>'status' = 'needs_reauthorization')
         UPDATE connections SET
           status = CASE WHEN EXISTS (SELECT 1 FROM refused) THEN 'needs_reauthorization' ELSE 'active' END,
           status_message = (SELECT message FROM refused), updated_at = now()
         WHERE id = $1 AND status = 'disabled'`,
          [id],
        );
      });
      invalidate();
    },

    /**
     * Deletes a connection and what it leaves (connectionLeftoverStatements) in one transaction,
     * while no run of it is syncing. Nothing reaches another system: golden records keep their
     * bodies and their links to other connections, and nothing goes to the outbox.
     */
    async remove(id: string) {
      await db.transaction(async (tx) => {
        await tx.query('SELECT id FROM connections WHERE id = $1 FOR UPDATE', [id]);
        await refuseWhileSyncing(tx, id);
        for (const statement of connectionLeftoverStatements('connection_id = $1'))
          await tx.query(statement, [id]);
        await tx.query('DELETE FROM connections WHERE id = $1', [id]);
      });
      openedSecrets.forget(id);
      invalidate();
    },
  };
}

export type ConnectionsRepo = ReturnType<typeof createConnectionsRepo>;
