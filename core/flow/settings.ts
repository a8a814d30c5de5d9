import { parseOrThrow } from '../errors/index.ts';
import type { Queryable } from '../store/db.ts';
import type { Flow } from './define.ts';

export interface FlowSettingsRow {
  enabled: boolean;
  settings: Record<string, unknown>;
}

async function storedSettings(db: Queryable, flow: string): Promise<FlowSettingsRow> {
  const { rows } = await db.query<FlowSettingsRow>(
    'SELECT enabled, settings FROM flow_settings WHERE flow = $1',
    [flow],
  );
  return rows[0] ?? { enabled: true, settings: {} };
}

/** A flow's settings as stored, with the flow's defaults filled in and validated. */
export async function loadFlowSettings<S>(
  db: Queryable,
  flow: Flow<S>,
): Promise<{ enabled: boolean; settings: S }> {
  const row = await storedSettings(db, flow.name);
  return {
    enabled: row.enabled,
    settings: parseOrThrow(flow.settings, row.settings, { what: `flow ${flow.name} settings` }),
  };
}

/**
 * Merges `patch` into the stored settings; the result must pass the flow's schema before it is
 * saved. `enabled: false` pauses the flow: the changes and ticks that would start it meanwhile are
 * dropped, and enabling it again replays none of them (see flows/README.md, *Disabling a flow*).
 */
export async function saveFlowSettings(
  db: Queryable,
  flow: Flow,
  patch: { enabled?: boolean; settings?: Record<string, unknown> },
): Promise<{ enabled: boolean; settings: unknown }> {
  const current = await storedSettings(db, flow.name);
  const settings = { ...current.settings, ...patch.settings };
  const parsed = parseOrThrow(flow.settings, settings, { what: `flow ${flow.name} settings` });
  const enabled = patch.enabled ?? current.enabled;
  await db.query(
    `INSERT INTO flow_settings (flow, enabled, settings) VALUES ($1, $2, $3)
     ON CONFLICT (flow) DO UPDATE SET enabled = EXCLUDED.enabled, settings = EXCLUDED.settings, updated_at = now()`,
    [flow.name, enabled, JSON.stringify(settings)],
  );
  return { enabled, settings: parsed };
}
