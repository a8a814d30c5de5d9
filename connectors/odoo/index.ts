import { defineConnector } from '../../core/connector/index.ts';
import { checkOdoo } from './check.ts';
import { createOdooClient } from './client.ts';
import { type OdooConfig, odooConfigSchema } from './config.ts';
import { readOdooStream } from './read.ts';
import { odooStreams, resolveOdooStream } from './streams/index.ts';
import { writeOdooStream } from './write.ts';

/**
 * Odoo 17/18 over the external JSON-RPC API (/jsonrpc, common and object services).
 * @see https://www.odoo.com/documentation/18.0/developer/reference/external_api.html
 */
export const odooConnector = defineConnector<OdooConfig>({
  kind: 'odoo',
  title: 'Odoo',
  configSchema: odooConfigSchema,
  streams: odooStreams.map((stream) => stream.spec),
  check: checkOdoo,
  read: (ctx, stream, cursor) => readOdooStream(ctx, createOdooClient(ctx), stream, cursor),
  write: (ctx, stream, ops) => writeOdooStream(ctx, createOdooClient(ctx), stream, ops),
  // A create writes the canonical id into the stream's match field when the mapping leaves it empty.
  hubIdOf: (config, stream, raw) => {
    const field = resolveOdooStream(config, stream).matchField;
    const value = field === undefined ? undefined : (raw as Record<string, unknown> | null)?.[field];
    return typeof value === 'string' ? value : undefined;
  },
});
