import { z } from 'zod';

/**
 * The mapping file, as written in mappings/<connector>/<stream>.<in|out>.yaml. A field is either
 * a source path (shorthand: `name: Account.Name`) or an object with exactly one of
 * `from` / `expr` / `const`, plus optional `map`, `default`, `required`, `ref` and `each`.
 */
export const directionSchema = z.enum(['in', 'out']);
export type Direction = z.infer<typeof directionSchema>;

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a name of letters, digits, _ or -');

export const valueMapSchema = z
  .object({
    values: z.record(z.string(), z.unknown()),
    /** Used when the source value is not in `values`. */
    default: z.unknown().optional(),
    /** Keep the source value unchanged when it is not in `values`. */
    passthrough: z.boolean().default(false),
    ignoreCase: z.boolean().default(false),
  })
  .strict()
  .refine(
    (map) => !(map.passthrough && map.default !== undefined),
    'set either default or passthrough, not both',
  );
export type ValueMapSpec = z.output<typeof valueMapSchema>;

export const refSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { entity: value } : value),
  z
    .object({
      entity: identifier,
      /** wait: park the record until the reference arrives; null: write null; fail: invalid record. */
      onMissing: z.enum(['wait', 'null', 'fail']).default('wait'),
    })
    .strict(),
);
export type RefSpec = z.output<typeof refSchema>;

export interface FieldSpec {
  from?: string;
  expr?: string;
  const?: unknown;
  map?: string;
  default?: unknown;
  required: boolean;
  ref?: RefSpec;
  each?: Record<string, FieldSpec>;
}

const sourceCount = (field: { from?: unknown; expr?: unknown; const?: unknown }) =>
  [field.from, field.expr, field.const].filter((value) => value !== undefined).length;

export const fieldSchema: z.ZodType<FieldSpec, unknown> = z.lazy(() =>
  z.preprocess(
    (value) => (typeof value === 'string' ? { from: value } : value),
    z
      .object({
        from: z.string().min(1).optional(),
        expr: z.string().min(1).optional(),
        const: z.unknown().optional(),
        map: identifier.optional(),
        default: z.unknown().optional(),
        required: z.boolean().default(false),
        ref: refSchema.optional(),
        each: fieldsSchema.optional(),
      })
      .strict()
      .refine((field) => sourceCount(field) === 1, 'give exactly one of from, expr or const')
      .refine((field) => !(field.each && field.const !== undefined), 'each needs from or expr, not const')
      .refine(
        (field) => !(field.each && (field.map || field.ref)),
        'each cannot be combined with map or ref',
      ),
  ),
);

const targetKey = z.string().regex(/^[^.\s][^\s]*$/, 'target field names are dotted paths without spaces');
export const fieldsSchema: z.ZodType<Record<string, FieldSpec>, unknown> = z.lazy(() =>
  z.record(targetKey, fieldSchema).refine((fields) => Object.keys(fields).length > 0, 'at least one field'),
);

export const mappingOptionsSchema = z
  .object({
    /** Default region for $normalizePhone, ISO 3166 alpha-2. */
    region: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    /** Default IANA time zone for $parseDate. */
    timeZone: z.string().min(1).optional(),
    /** Default ISO 4217 currency for $toMinorUnits. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
  })
  .strict();
export type MappingOptions = z.output<typeof mappingOptionsSchema>;

export const mappingSchema = z
  .object({
    connector: identifier,
    stream: identifier,
    direction: directionSchema,
    entity: identifier,
    version: z.number().int().positive().default(1),
    description: z.string().optional(),
    options: mappingOptionsSchema.default({}),
    valueMaps: z.record(identifier, valueMapSchema).default({}),
    fields: fieldsSchema,
  })
  .strict();
export type MappingDefinition = z.output<typeof mappingSchema>;

/**
 * A connection's override of a default mapping: fields replace the default's field of the same
 * name (null removes it), value map entries merge over the default's entries (null removes the
 * map), options merge key by key.
 */
export const mappingOverrideSchema = z
  .object({
    version: z.number().int().positive(),
    description: z.string().optional(),
    options: mappingOptionsSchema.partial().default({}),
    valueMaps: z
      .record(
        identifier,
        z
          .object({
            values: z.record(z.string(), z.unknown()).default({}),
            default: z.unknown().optional(),
            passthrough: z.boolean().optional(),
            ignoreCase: z.boolean().optional(),
          })
          .strict()
          .nullable(),
      )
      .default({}),
    fields: z.record(targetKey, fieldSchema.nullable()).default({}),
  })
  .strict();
export type MappingOverride = z.output<typeof mappingOverrideSchema>;
