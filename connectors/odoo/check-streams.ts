import { z } from 'zod';
import type { CheckResult } from '../../core/connector/index.ts';
import { HubError, parseOrThrow } from '../../core/errors/index.ts';
import type { OdooClient } from './client.ts';
import { odooStreams } from './streams/index.ts';

const fieldsSchema = z.record(z.string(), z.looseObject({ type: z.string() }));
const attributes = ['string', 'type', 'required', 'readonly', 'relation', 'selection'];

/**
 * fields_get per model: a missing model means its app (Manufacturing, Purchase ...) is not
 * installed; a missing field means a different Odoo version or an uninstalled module.
 */
export async function checkStreamModels(client: OdooClient): Promise<CheckResult['checks']> {
  const models = [...new Set(odooStreams.map((stream) => stream.model))];
  const checks: CheckResult['checks'] = [];
  for (const model of models) {
    const streams = odooStreams.filter((stream) => stream.model === model);
    const names = streams.map((stream) => stream.spec.name).join(', ');
    try {
      const result = await client.executeKw(model, 'fields_get', [], { attributes });
      const fields = parseOrThrow(fieldsSchema, result, { what: `${model}.fields_get` });
      const missing = [...new Set(streams.flatMap((stream) => stream.fields))].filter(
        (field) => !(field in fields),
      );
      checks.push(
        missing.length === 0
          ? { name: `model ${model}`, ok: true, message: `${model} is readable for ${names}` }
          : {
              name: `model ${model}`,
              ok: false,
              message: `${model} lacks the fields ${missing.join(', ')} (streams ${names})`,
            },
      );
    } catch (error) {
      if (!(error instanceof HubError) || error.kind === 'transient' || error.kind === 'system') throw error;
      checks.push({
        name: `model ${model}`,
        ok: false,
        message: `${names} cannot be used: ${error.message}`,
      });
    }
  }
  return checks;
}
