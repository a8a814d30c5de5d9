import type { z } from 'zod';
import type { Logger } from '../log/logger.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Opaque to the engine; each connector decides its shape (a timestamp, a page token ...). */
export type Cursor = JsonValue;

export type CanonicalEntity =
  | 'customer'
  | 'contact'
  | 'supplier'
  | 'item'
  | 'opportunity'
  | 'sales_order'
  | 'purchase_order'
  | 'stock_level'
  | 'work_center'
  | 'routing'
  | 'work_order'
  | 'shipment';

export interface StreamSpec {
  name: string;
  entity: CanonicalEntity;
  /** Dotted path of the system's own id in a raw record. */
  primaryKey: string;
  /** The field incremental reads filter on (write_date, SystemModstamp ...). */
  cursorField?: string;
  read: boolean;
  write: boolean;
  /** Largest batch the target accepts in one call (Salesforce collections: 200). */
  writeBatchSize?: number;
  description?: string;
}

export interface ReadPage {
  records: unknown[];
  /** External ids deleted in the source since the previous page. */
  deleted?: string[];
  /**
   * External ids the source replaced, since the previous page, by another id for the same record
   * (an ERPNext amendment stands in for the document it cancelled). Before the page is written,
   * the record moves to the new id, which then updates it: no delete of the old id, no new record.
   */
  replaced?: Array<{ externalId: string; by: string }>;
  /** The cursor after this page; the engine stores it with the page, in one transaction. */
  cursor: Cursor;
}

export interface WriteOp {
  /** Stable per (connection, stream, canonical id, version): retries carry the same key. */
  idempotencyKey: string;
  action: 'upsert' | 'delete';
  canonicalId: string;
  /** The target's id when the hub already knows it (from the xref). */
  externalId?: string;
  record: Record<string, unknown>;
}

export type WriteResult =
  | {
      ok: true;
      idempotencyKey: string;
      externalId: string;
      created: boolean;
      /**
       * The op's externalId, when the target replaced that record with `externalId` as the same
       * record under a new id (an ERPNext amendment stands in for the document it cancelled): the
       * hub moves its link instead of refusing a second id for the record.
       */
      replaces?: string;
    }
  | { ok: false; idempotencyKey: string; error: WriteError };

export interface WriteError {
  kind:
    | 'invalid_data'
    | 'conflict'
    | 'not_found'
    | 'transient'
    | 'rate_limited'
    | 'auth'
    | 'config'
    | 'system';
  code: string;
  message: string;
  fieldPath?: string;
  /** For a rate limit: how long the target asked to wait (its Retry-After). */
  retryAfterMs?: number;
}

export interface CheckResult {
  ok: boolean;
  /** Plain-language lines: what works and what does not. */
  checks: Array<{ name: string; ok: boolean; message: string }>;
}

export interface ChangeEvent {
  eventId: string;
  stream: string;
  externalId: string;
  action: 'upsert' | 'delete';
  /** The record when the webhook carries it; otherwise the engine reads it. */
  record?: unknown;
  occurredAt?: string;
}

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  body: unknown;
  url: string;
  method: string;
}

/** Small key-value state per connection (tokens, instance URLs) with a cross-process lock. */
export interface ConnectionState {
  get<T extends JsonValue>(key: string): Promise<T | undefined>;
  set(key: string, value: JsonValue): Promise<void>;
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface ConnectorContext<Config> {
  connectionId: string;
  config: Config;
  logger: Logger;
  state: ConnectionState;
  signal?: AbortSignal;
  /** Allows calls to loopback and private addresses (sandboxes, on-premise ERPs). */
  allowPrivateNetwork?: boolean;
}

export interface Connector<Config = unknown> {
  kind: string;
  title: string;
  configSchema: z.ZodType<Config>;
  streams: StreamSpec[];
  /** For connectors whose streams are declared per connection (generic REST, CSV). */
  streamsFor?(config: Config): StreamSpec[];
  check(ctx: ConnectorContext<Config>): Promise<CheckResult>;
  read(ctx: ConnectorContext<Config>, stream: string, cursor?: Cursor): AsyncIterable<ReadPage>;
  write(ctx: ConnectorContext<Config>, stream: string, ops: WriteOp[]): Promise<WriteResult[]>;
  webhook?(ctx: ConnectorContext<Config>, request: WebhookRequest): Promise<ChangeEvent[]>;
  /**
   * The canonical id a record read from `stream` carries because the hub created it (the
   * connector writes it there on create, as its key for finding a create it sent twice). A read
   * that sees the record before the hub recorded the create then links it to that record,
   * instead of taking it for a new one.
   */
  hubIdOf?(config: Config, stream: string, raw: unknown): string | undefined;
}
