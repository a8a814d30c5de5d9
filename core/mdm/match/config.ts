import { z } from 'zod';

export const featureNormalizers = [
  'text',
  'digits',
  'companyName',
  'companyLatin',
  'companyCore',
  'places',
  'personName',
  'personLatin',
  'email',
  'emailDomain',
  'phone',
  'taxId',
  'sku',
  'itemSpec',
  'itemGrade',
  'gtin',
  'unit',
  'street',
  'streetLatin',
  'city',
  'postcode',
  'country',
] as const;

export const comparators = ['exact', 'jaroWinkler', 'tokens', 'edit'] as const;
export const blockTransforms = [
  'exact',
  'prefix2',
  'prefix3',
  'prefix4',
  'soundex',
  'tokens',
  'sortedTokens',
] as const;

/** A matching feature: raw fields (joined with a space) run through one normalizer. */
const featureSchema = z.object({
  name: z.string().min(1),
  from: z.array(z.string().min(1)).min(1),
  normalizer: z.enum(featureNormalizers),
  /** For phones: the raw field holding the record's country, and the region used without one. */
  regionField: z.string().optional(),
  defaultRegion: z.string().length(2).optional(),
});

/** Records sharing a non-empty value of every listed feature are the same entity. */
const ruleSchema = z.object({
  name: z.string().min(1),
  features: z.array(z.string().min(1)).min(1),
  /** A value shared by more records than this (a shared info@ mailbox) identifies nobody. */
  maxGroupSize: z.number().int().min(2).default(20),
});

const fieldSchema = z.object({
  feature: z.string().min(1),
  compare: z.enum(comparators),
  weight: z.number().positive(),
  /** Similarities at or below this count as full disagreement; above it they rise linearly to 1. */
  floor: z.number().min(0).max(0.99).default(0),
  /** Weight lost (as a fraction of `weight`) when both sides have a value and it disagrees fully. */
  penalty: z.number().min(0).default(0),
});

const blockKeySchema = z.object({
  name: z.string().min(1),
  parts: z.array(z.object({ feature: z.string().min(1), transform: z.enum(blockTransforms) })).min(1),
});

export const matcherConfigSchema = z
  .object({
    entity: z.string().min(1),
    features: z.array(featureSchema).min(1),
    rules: z.array(ruleSchema).default([]),
    fields: z.array(fieldSchema).min(1),
    /**
     * Share of the total field weight the score is divided by at least: with 0.5, two records
     * that agree on one heavy field but share nothing else cannot reach a high score.
     */
    minCoverage: z.number().min(0).max(1).default(0.5),
    /** Differing non-empty values of these features cap a pair at "review" (two valid tax ids). */
    vetoes: z.array(z.string()).default([]),
    blocking: z.object({
      keys: z.array(blockKeySchema).min(1),
      /** Blocks up to this size compare all their pairs; larger ones only a sliding window. */
      maxBlockSize: z.number().int().min(2).default(40),
      window: z.number().int().min(1).default(10),
    }),
    thresholds: z
      .object({ merge: z.number().min(0).max(1), review: z.number().min(0).max(1) })
      .refine((t) => t.review <= t.merge, { message: 'review threshold must not exceed merge threshold' }),
  })
  .superRefine((config, context) => {
    const names = new Set(config.features.map((feature) => feature.name));
    const check = (feature: string, path: (string | number)[]) => {
      if (!names.has(feature))
        context.addIssue({ code: 'custom', path, message: `unknown feature "${feature}"` });
    };
    const references: Array<[string, (string | number)[]]> = [
      ...config.rules.flatMap((rule, i) =>
        rule.features.map((f, j): [string, (string | number)[]] => [f, ['rules', i, 'features', j]]),
      ),
      ...config.fields.map((field, i): [string, (string | number)[]] => [
        field.feature,
        ['fields', i, 'feature'],
      ]),
      ...config.vetoes.map((feature, i): [string, (string | number)[]] => [feature, ['vetoes', i]]),
      ...config.blocking.keys.flatMap((key, i) =>
        key.parts.map((part, j): [string, (string | number)[]] => [
          part.feature,
          ['blocking', 'keys', i, 'parts', j, 'feature'],
        ]),
      ),
    ];
    for (const [feature, path] of references) check(feature, path);
  });

export type MatcherConfigInput = z.input<typeof matcherConfigSchema>;
export type MatcherConfig = z.output<typeof matcherConfigSchema>;
export type FieldSpec = MatcherConfig['fields'][number];

/** A source record as the matcher sees it: an id, an optional side (for linkage) and raw values. */
export interface MatchInputRecord {
  id: string;
  /** Records of the same group are never compared (linkage of two files, or of two systems). */
  group?: string;
  values: Readonly<Record<string, string | null | undefined>>;
}

export type MatchDecision = 'merge' | 'review' | 'new';
