import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.ts';
import type {
  CanonicalEntity,
  ChangeEvent,
  StreamSpec,
  WriteOp,
  WriteResult,
} from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { parseOrThrow } from '../../core/errors/validation.ts';

/** A small system of record for tests: customers and contacts with a change sequence, and faults on demand. */
export interface MemoryRecord {
  id: string;
  seq: number;
  [field: string]: unknown;
}

export type WriteFault =
  | { status: 429; retryAfterMs: number }
  | { status: 500 }
  /** The write takes effect but the answer is lost (a timeout after the target committed). */
  | { status: 'lost-answer'; stream: string }
  | {
      status: 'reject';
      when: (record: Record<string, unknown>) => boolean;
      fieldPath: string;
      message: string;
    };

export class MemorySystem {
  readonly tables = new Map<string, Map<string, MemoryRecord>>();
  readonly faults: WriteFault[] = [];
  readonly writeCalls: Array<{ at: number; stream: string; count: number }> = [];
  private seq = 0;
  private nextId = 1;

  constructor(readonly name: string) {}

  table(stream: string): Map<string, MemoryRecord> {
    let table = this.tables.get(stream);
    if (!table) {
      table = new Map();
      this.tables.set(stream, table);
    }
    return table;
  }

  put(stream: string, values: Record<string, unknown> & { id?: string }): MemoryRecord {
    const id = values.id ?? `${this.name}-${this.nextId++}`;
    const record = { ...this.table(stream).get(id), ...values, id, seq: ++this.seq };
    this.table(stream).set(id, record);
    return record;
  }

  remove(stream: string, id: string): void {
    this.table(stream).delete(id);
  }

  list(stream: string): MemoryRecord[] {
    return [...this.table(stream).values()].sort((a, b) => a.seq - b.seq);
  }
}

const systems = new Map<string, MemorySystem>();

export function memorySystem(name: string): MemorySystem {
  let system = systems.get(name);
  if (!system) {
    system = new MemorySystem(name);
    systems.set(name, system);
  }
  return system;
}

/** Like an ERP, the system numbers the orders it creates. */
const numberPrefixes: Record<string, string> = {
  sales_orders: 'SO',
  purchase_orders: 'PO',
  work_orders: 'WO',
};

function streamsOf(entities: Record<string, CanonicalEntity>): StreamSpec[] {
  return Object.entries(entities).map(([name, entity]) => ({
    name,
    entity,
    primaryKey: 'id',
    cursorField: 'seq',
    read: true,
    write: true,
    writeBatchSize: 100,
  }));
}

const configSchema = z.object({
  system: z.string().min(1),
  pageSize: z.number().int().positive().default(50),
  webhookSecret: secret().optional(),
  /** Slows each page down, for tests that interrupt a run. */
  pageDelayMs: z.number().int().nonnegative().default(0),
});

function signatureOk(secretValue: string, body: Buffer, given: string | undefined): boolean {
  if (!given) return false;
  const expected = createHmac('sha256', secretValue).update(body).digest('hex');
  return expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

export const memoryConnector = defineConnector({
  kind: 'memory',
  title: 'In-memory test system',
  configSchema,
  streams: streamsOf({
    customers: 'customer',
    contacts: 'contact',
    suppliers: 'supplier',
    items: 'item',
    work_centers: 'work_center',
    routings: 'routing',
    opportunities: 'opportunity',
    sales_orders: 'sales_order',
    purchase_orders: 'purchase_order',
    stock_levels: 'stock_level',
    work_orders: 'work_order',
    shipments: 'shipment',
  }),
  async check(ctx) {
    return {
      ok: true,
      checks: [{ name: 'system', ok: true, message: `system ${ctx.config.system} reachable` }],
    };
  },
  async *read(ctx, stream, cursor) {
    const system = memorySystem(ctx.config.system);
    let after = typeof cursor === 'number' ? cursor : 0;
    for (;;) {
      const page = system
        .list(stream)
        .filter((record) => record.seq > after)
        .slice(0, ctx.config.pageSize);
      if (page.length === 0) return;
      if (ctx.config.pageDelayMs) await new Promise((resolve) => setTimeout(resolve, ctx.config.pageDelayMs));
      after = page[page.length - 1]!.seq;
      yield { records: page.map((record) => structuredClone(record)), cursor: after };
    }
  },
  hubIdOf: (_config, _stream, raw) => {
    const hubId = (raw as { hubId?: unknown } | null)?.hubId;
    return typeof hubId === 'string' ? hubId : undefined;
  },
  async write(ctx, stream, ops) {
    const system = memorySystem(ctx.config.system);
    system.writeCalls.push({ at: Date.now(), stream, count: ops.length });
    const fault = system.faults[0];
    if (fault?.status === 429) {
      system.faults.shift();
      throw new HubError('rate_limited', 'http_429', 'Too Many Requests', {
        retryAfterMs: fault.retryAfterMs,
      });
    }
    if (fault?.status === 500) {
      system.faults.shift();
      throw new HubError('transient', 'http_500', 'Internal Server Error');
    }
    const lost = fault?.status === 'lost-answer' && fault.stream === stream;
    const results = ops.map((op): WriteResult => {
      const reject = system.faults.find(
        (f): f is Extract<WriteFault, { status: 'reject' }> => f.status === 'reject' && f.when(op.record),
      );
      if (reject) {
        return {
          ok: false,
          idempotencyKey: op.idempotencyKey,
          error: {
            kind: 'invalid_data',
            code: 'http_400',
            message: reject.message,
            fieldPath: reject.fieldPath,
          },
        };
      }
      const existing = system
        .list(stream)
        .find((record) => record.hubId === op.canonicalId || record.id === op.externalId);
      if (op.action === 'delete') {
        if (existing) system.remove(stream, existing.id);
        return {
          ok: true,
          idempotencyKey: op.idempotencyKey,
          externalId: op.externalId ?? op.canonicalId,
          created: false,
        };
      }
      const prefix = numberPrefixes[stream];
      const numbered =
        !existing && prefix && !op.record.number
          ? { number: `${prefix}-${String(system.table(stream).size + 1).padStart(4, '0')}` }
          : {};
      // A field the mapping leaves out keeps the value the system holds (its own order number).
      const values = Object.fromEntries(Object.entries(op.record).filter(([, value]) => value !== undefined));
      const record = system.put(stream, { ...values, ...numbered, id: existing?.id, hubId: op.canonicalId });
      return { ok: true, idempotencyKey: op.idempotencyKey, externalId: record.id, created: !existing };
    });
    if (lost) {
      system.faults.shift();
      throw new HubError('transient', 'timeout', `${stream}: the answer was lost after the write`);
    }
    return results;
  },
  async webhook(ctx, request) {
    const given = request.headers['x-signature'];
    if (
      !ctx.config.webhookSecret ||
      !signatureOk(ctx.config.webhookSecret, request.rawBody, typeof given === 'string' ? given : undefined)
    ) {
      throw new HubError('auth', 'invalid_signature', 'webhook signature does not match');
    }
    const body = parseOrThrow(
      z.object({
        events: z.array(
          z.object({ id: z.string(), stream: z.string(), record: z.record(z.string(), z.unknown()) }),
        ),
      }),
      request.body,
      { what: 'webhook body' },
    );
    return body.events.map(
      (event): ChangeEvent => ({
        eventId: event.id,
        stream: event.stream,
        externalId: String(event.record.id),
        action: 'upsert',
        record: event.record,
      }),
    );
  },
});

/**
 * Writes `ops` to an in-memory system as Odoo creates records: a look-up by hub id (or external id),
 * then a create when none is found, each call one round trip.
 */
export async function lookUpThenCreate(
  system: MemorySystem,
  stream: string,
  ops: WriteOp[],
  roundTrip: () => Promise<unknown>,
): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const op of ops) {
    await roundTrip();
    const existing = system
      .list(stream)
      .find((record) => record.hubId === op.canonicalId || record.id === op.externalId);
    if (!existing) await roundTrip();
    const record = system.put(stream, { ...op.record, id: existing?.id, hubId: op.canonicalId });
    results.push({
      ok: true as const,
      idempotencyKey: op.idempotencyKey,
      externalId: record.id,
      created: !existing,
    });
  }
  return results;
}
