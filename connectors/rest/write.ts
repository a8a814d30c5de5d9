import type { Method } from 'axios';
import type { WriteOp, WriteResult } from '../../core/connector/types.ts';
import { HubError } from '../../core/errors/index.ts';
import { writeEach } from '../shared/write-each.ts';
import type { RestClient, RestResponse } from './client.ts';
import type { RestStream, RestWriteSpec } from './config.ts';
import { readPath } from './streams/records.ts';

/** `/suppliers/{externalId}/orders/{number}` with each value URL-encoded. */
export function fillPathTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = readPath(values, name);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new HubError(
        'invalid_data',
        'path_template_value',
        `the URL ${template} needs a value for ${name}`,
        {
          fieldPath: name,
        },
      );
    }
    return encodeURIComponent(String(value));
  });
}

function idOf(response: RestResponse, spec: RestWriteSpec, stream: RestStream): string | undefined {
  const written = spec.responseRecordPath ? readPath(response.body, spec.responseRecordPath) : response.body;
  const id = readPath(written, stream.idField);
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  // 201 Created without a body: the new resource's URL names it.
  const location = response.headers.location;
  return location
    ? decodeURIComponent(location.replace(/\/+$/, '').split('/').pop() ?? '') || undefined
    : undefined;
}

function requestFor(
  op: WriteOp,
  spec: RestWriteSpec,
  stream: RestStream,
): { method: Method; template: string } {
  const missing = (what: string) =>
    new HubError(
      'config',
      'write_not_configured',
      `stream ${stream.name} has no ${what} template (write.${what})`,
    );
  if (op.action === 'delete') {
    if (!spec.delete) throw missing('delete');
    if (!op.externalId)
      throw new HubError(
        'not_found',
        'unknown_external_id',
        `no ${stream.name} id is known for ${op.canonicalId}`,
      );
    return { method: 'DELETE', template: spec.delete.path };
  }
  const template = op.externalId ? spec.update : spec.create;
  if (!template) throw missing(op.externalId ? 'update' : 'create');
  return { method: template.method, template: template.path };
}

async function writeOne(
  client: RestClient,
  stream: RestStream,
  spec: RestWriteSpec,
  op: WriteOp,
): Promise<WriteResult> {
  const { method, template } = requestFor(op, spec, stream);
  const path = fillPathTemplate(template, {
    ...op.record,
    externalId: op.externalId,
    canonicalId: op.canonicalId,
  });
  const body = op.action === 'delete' ? undefined : op.record;
  const response = await client.send(method, path, body, { [spec.idempotencyHeader]: op.idempotencyKey });
  const externalId = op.externalId ?? idOf(response, spec, stream);
  if (!externalId) {
    throw new HubError(
      'invalid_data',
      'no_id_in_response',
      `${method} ${path}: the response carries no ${stream.idField}`,
      {
        fieldPath: stream.idField,
      },
    );
  }
  return {
    ok: true,
    idempotencyKey: op.idempotencyKey,
    externalId,
    created: !op.externalId && op.action === 'upsert',
  };
}

/** Problems of the whole connection stop the batch instead of failing each record alike. */
const stopsBatch = (error: HubError) => ['rate_limited', 'auth', 'config', 'system'].includes(error.kind);

/** One request per op, in order; a rejected record fails alone with the API's message and field. */
export async function writeRestStream(
  client: RestClient,
  stream: RestStream,
  ops: WriteOp[],
): Promise<WriteResult[]> {
  const spec = stream.write;
  if (!spec) throw new HubError('config', 'stream_read_only', `stream ${stream.name} has no write settings`);
  return writeEach(ops, (op) => writeOne(client, stream, spec, op), stopsBatch);
}
