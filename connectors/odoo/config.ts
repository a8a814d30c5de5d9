import { z } from 'zod';
import { secret } from '../../core/connector/index.ts';

const fieldName = z.string().regex(/^[a-z_][a-z0-9_.]*$/, 'expected an Odoo field name such as default_code');

const domainTerm = z.union([z.enum(['|', '&', '!']), z.tuple([fieldName, z.string().min(1), z.unknown()])]);

export const odooStreamOptionsSchema = z.strictObject({
  /** Replaces the stream's field list (for example to add custom x_ fields). */
  fields: z.array(fieldName).min(1).optional(),
  /** Replaces the stream's own filter, as an Odoo domain, e.g. [["company_id", "=", 1]]. */
  domain: z.array(domainTerm).optional(),
  /** The field looked up before a create so that a retried create never duplicates. */
  matchField: fieldName.optional(),
});

export const odooConfigSchema = z.strictObject({
  /** The server root, e.g. https://erp.example.com (the connector calls <url>/jsonrpc). */
  url: z.url(),
  database: z.string().min(1),
  username: z.string().min(1),
  /** An API key (Preferences → Account Security) or the password; both go where the password goes. */
  apiKey: secret(),
  /**
   * Records per search_read call.
   * @defaultValue 200
   */
  pageSize: z.number().int().min(1).max(5000).default(200),
  /**
   * How far behind "now" an incremental window ends. Odoo stamps write_date with the time a
   * transaction started, so rows of a transaction still running show up late; the lag also
   * absorbs clock differences between the hub and the server.
   * @defaultValue 120
   */
  lagSeconds: z.number().int().min(0).max(86_400).default(120),
  /** @defaultValue 60000 */
  timeoutMs: z.number().int().min(1).default(60_000),
  streams: z.record(z.string(), odooStreamOptionsSchema).default({}),
});

export type OdooConfig = z.output<typeof odooConfigSchema>;
