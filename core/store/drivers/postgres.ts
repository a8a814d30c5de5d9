import pg from 'pg';
import { type Db, type Queryable, TYPE_OIDS, timestampToIso } from '../db.ts';

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TYPE_OIDS.int8) return (value: string) => Number(value);
    if (oid === TYPE_OIDS.date) return (value: string) => value;
    if (oid === TYPE_OIDS.timestamptz || oid === TYPE_OIDS.timestamp) return timestampToIso;
    return pg.types.getTypeParser(oid, format);
  },
};

export interface PostgresOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
}

/**
 * The hub's working set is cached: an index probe costs about what a sequential read does, so a
 * page's 1,000 lookups go through the index instead of scanning a whole table. Added to the
 * connection string's own `options` (a connection string's options replace the pool's).
 */
function withPlannerSettings(connectionString: string): string {
  const url = new URL(connectionString);
  const given = url.searchParams.get('options') ?? '';
  if (!given.includes('random_page_cost'))
    url.searchParams.set('options', `-c random_page_cost=1.1 ${given}`.trim());
  return url.toString();
}

/** Distinct statement texts prepared by name; texts past this many run unnamed (re-planned). */
const PREPARED_LIMIT = 1_000;
const preparedNames = new Map<string, string>();

/**
 * Statements with parameters run as named prepared statements, so PostgreSQL parses and plans a
 * text once per connection instead of at every execution: the hub repeats a few hundred texts,
 * and for a page of a handful of records the planning cost more than the execution.
 */
function statementOf(sql: string, params: unknown[] | undefined): pg.QueryConfig {
  if (!params || params.length === 0) return { text: sql };
  let name = preparedNames.get(sql);
  if (!name) {
    if (preparedNames.size >= PREPARED_LIMIT) return { text: sql, values: params };
    name = `thub_${preparedNames.size + 1}`;
    preparedNames.set(sql, name);
  }
  return { name, text: sql, values: params };
}

/**
 * A transaction is one connection, which runs one statement at a time. Callers may still start
 * several at once (`Promise.all` of independent reads): they run in the order they were asked, as
 * pg's own queue would, without handing pg a query while another runs (deprecated, gone in pg 9).
 * The transaction ends only once its statements have: COMMIT after the last one; before ROLLBACK,
 * the ones not yet sent are refused, so none runs after the transaction, on a pooled connection.
 */
function statementQueue() {
  let last: Promise<unknown> = Promise.resolve();
  let ended = false;
  const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
    const guarded = () => {
      if (ended) throw new Error('The transaction ended before this statement was sent');
      return run();
    };
    const next = last.then(guarded, guarded);
    last = next.catch(() => undefined);
    return next;
  };
  return {
    inTurn,
    /** Resolves once every statement asked so far has run. */
    settled: () => last.then(() => undefined),
    /** Refuses the statements not yet sent; resolves once the one running has ended. */
    end: () => {
      ended = true;
      return last.then(() => undefined);
    },
  };
}

export function createPostgresDb(options: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: withPlannerSettings(options.connectionString),
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'thub',
    types,
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);

  const query: Queryable['query'] = async (sql, params) => {
    const result = await pool.query(statementOf(sql, params as unknown[] | undefined));
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  };

  return {
    driver: 'postgres',
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A server that drops the connection mid-transaction emits an error on the checked-out client:
      // unheard, it would crash the process. The failing query rejects; the client is discarded.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      let statements: (() => Promise<void>) | undefined;
      try {
        await client.query('BEGIN');
        const { inTurn, settled, end } = statementQueue();
        statements = end;
        const tx: Queryable = {
          query: (sql, params) =>
            inTurn(async () => {
              const result = await client.query(statementOf(sql, params as unknown[] | undefined));
              return { rows: result.rows, rowCount: result.rowCount ?? 0 };
            }),
          exec: (sql) =>
            inTurn(async () => {
              await client.query(sql);
            }),
        };
        const value = await fn(tx);
        await settled();
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await statements?.();
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async listen(channel, onNotify) {
      let client: pg.PoolClient | undefined;
      let stopped = false;
      const handler = (message: pg.Notification) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      };
      // A dropped LISTEN connection is replaced, so notifications keep coming after a server restart.
      const connect = async (): Promise<void> => {
        const next = await pool.connect();
        next.on('notification', handler);
        next.on('error', (error) => {
          next.release(error);
          if (client === next) client = undefined;
          if (!stopped) setTimeout(() => connect().catch(() => undefined), 1_000).unref();
        });
        await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        client = next;
      };
      await connect();
      return async () => {
        stopped = true;
        const current = client;
        client = undefined;
        if (!current) return;
        current.off('notification', handler);
        await current.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
        current.release();
      };
    },
    async close() {
      await pool.end();
    },
  };
}
