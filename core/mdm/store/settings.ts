import { parseOrThrow } from '../../errors/index.ts';
import type { Queryable } from '../../store/db.ts';
import {
  type FieldRule,
  type Survivorship,
  type SurvivorshipInput,
  survivorshipSchema,
} from '../golden/schema.ts';

/**
 * Source priorities name connection kinds or connection ids: the first listed one holding a value
 * wins the field. ERPs own tax ids, terms and costs; CRMs own phones, emails and owners.
 */
const ERP = ['odoo', 'erpnext'];
const CRM = ['salesforce', 'hubspot'];
const erpFirst: FieldRule = { strategy: 'sourcePriority', systems: [...ERP, ...CRM] };
const crmFirst: FieldRule = { strategy: 'sourcePriority', systems: [...CRM, ...ERP] };

const DEFAULT_RULES: Readonly<Record<string, SurvivorshipInput>> = {
  customer: {
    fields: {
      taxId: erpFirst,
      paymentTerms: erpFirst,
      creditLimit: erpFirst,
      openReceivables: erpFirst,
      currency: erpFirst,
      phone: crmFirst,
      email: crmFirst,
      owner: crmFirst,
    },
  },
  supplier: { fields: { taxId: erpFirst, currency: erpFirst, leadTimeDays: erpFirst } },
  contact: { fields: { phone: crmFirst, email: crmFirst, title: crmFirst } },
  item: {
    fields: {
      sku: erpFirst,
      uom: erpFirst,
      standardCost: erpFirst,
      trulyVariableCost: erpFirst,
      leadTimeDays: erpFirst,
      replenishment: erpFirst,
    },
  },
};

export function defaultSurvivorship(entity: string): Survivorship {
  return parseOrThrow(survivorshipSchema, DEFAULT_RULES[entity] ?? {}, {
    what: `survivorship rules of ${entity}`,
  });
}

/** The entity's survivorship rules: the saved ones, else the defaults. */
export async function survivorshipFor(db: Queryable, entity: string): Promise<Survivorship> {
  const { rows } = await db.query<{ survivorship: unknown }>(
    'SELECT survivorship FROM mdm_settings WHERE entity = $1',
    [entity],
  );
  if (!rows[0]) return defaultSurvivorship(entity);
  return parseOrThrow(survivorshipSchema, rows[0].survivorship, { what: `survivorship rules of ${entity}` });
}

/** Saves an entity's rules; they apply to golden records computed from then on. */
export async function saveSurvivorship(db: Queryable, entity: string, input: unknown): Promise<Survivorship> {
  const rules = parseOrThrow(survivorshipSchema, input, { what: `survivorship rules of ${entity}` });
  await db.query(
    `INSERT INTO mdm_settings (entity, survivorship, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (entity) DO UPDATE SET survivorship = EXCLUDED.survivorship, updated_at = now()`,
    [entity, JSON.stringify(rules)],
  );
  return rules;
}
