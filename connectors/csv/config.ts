import { z } from 'zod';
import { secret } from '../../core/connector/define.ts';
import type { CanonicalEntity } from '../../core/connector/types.ts';
import { entityNames } from '../../core/model/entities.ts';

const folderSource = z.object({
  type: z.literal('folder'),
  /** Absolute path of the watched folder on the hub's filesystem. */
  path: z.string().min(1),
});

const sftpSource = z.object({
  type: z.literal('sftp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535).default(22),
  username: z.string().min(1),
  password: secret().optional(),
  /** PEM or OpenSSH private key. */
  privateKey: secret().optional(),
  passphrase: secret().optional(),
  /** Folder on the server, e.g. /outbound/supplier-files. */
  path: z.string().min(1),
  /** Base64 SHA-256 of the server's host key; when set, any other key is refused. */
  hostKeySha256: z.string().min(1).optional(),
  readyTimeoutMs: z.number().int().positive().default(20_000),
});

const encodingSchema = z.enum(['utf-8', 'gbk']);

/** Per-stream overrides of the connection's file format. */
const formatOverrides = {
  encoding: encodingSchema.optional(),
  delimiter: z.string().length(1).optional(),
  decimalComma: z.boolean().optional(),
};

const streamBase = {
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lower_snake_case stream name'),
  entity: z.enum(entityNames as [CanonicalEntity, ...CanonicalEntity[]]),
  /** Folder relative to the source path. */
  folder: z.string().min(1).default('.'),
  /** File column → field path; export files write the columns in this order. */
  columns: z
    .record(z.string().min(1), z.string().min(1))
    .refine((columns) => Object.keys(columns).length > 0, 'map at least one column'),
  ...formatOverrides,
};

const importStream = z.object({
  ...streamBase,
  direction: z.literal('import'),
  /** File names to import, `*` and `?` wildcards: `suppliers_*.csv`. */
  pattern: z.string().min(1).default('*.csv'),
  /** Field (after the column mapping) that holds the record's id. */
  idField: z.string().min(1),
  /** Fields read as numbers; with decimalComma `1.234,56` and `1234,56` are 1234.56. */
  numberFields: z.array(z.string().min(1)).default([]),
  requiredFields: z.array(z.string().min(1)).default([]),
  /** Rows sharing `groupBy` become one record; fields under `<field>.` go into its list. */
  lines: z.object({ field: z.string().min(1).default('lines'), groupBy: z.string().min(1) }).optional(),
  /** Records per page handed to the engine. */
  pageSize: z.number().int().positive().default(1000),
});

const exportStream = z.object({
  ...streamBase,
  direction: z.literal('export'),
  /** Export files are named `<filePrefix>_<timestamp>_<batch hash>.csv`. */
  filePrefix: z.string().regex(/^[\w.-]+$/, 'letters, digits, dot, dash or underscore'),
  /** A record's list in this field becomes one row per element (columns `<field>.x` read the element). */
  lines: z.object({ field: z.string().min(1).default('lines') }).optional(),
  /** Write a UTF-8 byte order mark (spreadsheet programs then detect the encoding). */
  bom: z.boolean().default(false),
});

export const csvConfigSchema = z
  .object({
    source: z.discriminatedUnion('type', [folderSource, sftpSource]),
    encoding: encodingSchema.default('utf-8'),
    delimiter: z.string().length(1).default(','),
    decimalComma: z.boolean().default(false),
    /** How the hub knows a delivered file is complete. */
    completion: z
      .object({
        mode: z.enum(['stable', 'marker']).default('stable'),
        /** stable: size and modification time unchanged across two checks this far apart. */
        stableForMs: z.number().int().min(0).default(2_000),
        /** marker: `orders.csv` is complete once `orders.csv<markerSuffix>` exists. */
        markerSuffix: z.string().min(1).default('.done'),
      })
      .default({ mode: 'stable', stableForMs: 2_000, markerSuffix: '.done' }),
    /** Imported files (name and content hash) kept per stream to recognise re-delivered files. */
    keepHashes: z.number().int().positive().default(10_000),
    streams: z.array(z.discriminatedUnion('direction', [importStream, exportStream])).min(1),
  })
  .superRefine((config, ctx) => {
    if (config.source.type === 'sftp' && !config.source.password && !config.source.privateKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['source', 'password'],
        message: 'give a password or a private key',
      });
    }
    const names = config.streams.map((stream) => stream.name);
    const twice = names.findIndex((name, index) => names.indexOf(name) !== index);
    if (twice >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['streams', twice, 'name'],
        message: `stream "${names[twice]}" declared twice`,
      });
  });

export type CsvConfig = z.output<typeof csvConfigSchema>;
export type CsvSourceConfig = CsvConfig['source'];
export type SftpSourceConfig = z.output<typeof sftpSource>;
export type CsvStream = CsvConfig['streams'][number];
export type CsvImportStream = Extract<CsvStream, { direction: 'import' }>;
export type CsvExportStream = Extract<CsvStream, { direction: 'export' }>;
export type CsvEncoding = z.output<typeof encodingSchema>;

export interface FileFormat {
  encoding: CsvEncoding;
  delimiter: string;
  decimalComma: boolean;
}

export function formatOf(config: CsvConfig, stream: CsvStream): FileFormat {
  return {
    encoding: stream.encoding ?? config.encoding,
    delimiter: stream.delimiter ?? config.delimiter,
    decimalComma: stream.decimalComma ?? config.decimalComma,
  };
}
