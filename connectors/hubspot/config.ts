import { z } from 'zod';
import { secret } from '../../core/connector/define.ts';

const privateAppAuth = z.object({
  type: z.literal('private_app'),
  accessToken: secret(),
});

const oauthAuth = z.object({
  type: z.literal('oauth'),
  clientId: z.string().min(1),
  clientSecret: secret(),
  refreshToken: secret(),
});

/**
 * Internal name of a custom deal property (Settings > Properties > the property's internal name),
 * which HubSpot makes of lowercase letters, digits and underscores, at most 100 characters.
 * @see https://knowledge.hubspot.com/properties/understand-the-property-editor
 */
const propertyName = z
  .string()
  .max(100)
  .regex(/^[a-z0-9_]+$/, 'the internal name of a HubSpot property: lowercase letters, digits, underscores');

/** Deal properties that receive TOC results; a result without a property is not sent. */
const pushBackProperties = z.object({
  /** A date property (HubSpot's date picker), written as the promised day. */
  promiseDate: propertyName.optional(),
  bufferStatus: propertyName.optional(),
  /** A number property. */
  throughputPerConstraintMinute: propertyName.optional(),
});

export const hubspotConfigSchema = z
  .object({
    baseUrl: z.url().default('https://api.hubapi.com'),
    auth: z.discriminatedUnion('type', [privateAppAuth, oauthAuth]),
    /** The app's client secret, which signs webhook requests (X-HubSpot-Signature-v3). */
    webhookSecret: secret().optional(),
    /** Unique property that carries the hub's id on every object the hub writes. */
    idProperty: z.string().min(1).default('hub_id'),
    /** Search page size; HubSpot allows up to 200. */
    pageSize: z.number().int().min(1).max(200).default(200),
    /** How far back each incremental read searches again, for changes the search index took in late. */
    overlapSeconds: z.number().int().min(0).default(60),
    /** Share of the daily API allowance the hub may use before it stops and waits. */
    dailyUsageCeiling: z.number().gt(0).max(1).default(0.9),
    pushBack: pushBackProperties.default({}),
  })
  .superRefine((config, issues) => {
    // A result written into the id property would become the upsert key; two results into one
    // property would overwrite each other.
    const seen = new Set([config.idProperty]);
    for (const [result, property] of Object.entries(config.pushBack)) {
      if (!property) continue;
      if (seen.has(property))
        issues.addIssue({
          code: 'custom',
          path: ['pushBack', result],
          message:
            property === config.idProperty
              ? `"${property}" is the id property that carries the hub's id; name another deal property`
              : `"${property}" already receives another TOC result`,
        });
      seen.add(property);
    }
  });

export type HubspotConfig = z.output<typeof hubspotConfigSchema>;
