import type { Survived } from './survivorship.ts';

/** A golden record's body with the lineage of each of its fields. */
export interface GoldenContent {
  body: Record<string, unknown>;
  lineage: Record<string, unknown>;
}

/**
 * Whether a field's lineage says the hub itself wrote it: writeHubRecord and patchHubRecord
 * (core/flow/golden-writes.ts) record the writer (`flow:…`) as connectionId and no external id,
 * where every source's lineage names the external record the value came from.
 */
export function isHubWritten(lineage: unknown): boolean {
  if (typeof lineage !== 'object' || lineage === null) return false;
  const entry = lineage as { connectionId?: unknown; externalId?: unknown };
  return typeof entry.connectionId === 'string' && entry.externalId === undefined;
}

/**
 * The one way a golden body is made: what survivorship makes of the live sources, plus the fields
 * of the current body that the hub itself wrote (a flow's annotation such as an item's `toc` or an
 * opportunity's `hold`) where no source holds the field. A field that no source sends any more
 * leaves the record, whether it has one source or several.
 */
export function composeGolden(current: GoldenContent, survived: Survived): GoldenContent {
  const body: Record<string, unknown> = { ...survived.body };
  const lineage: Record<string, unknown> = { ...survived.lineage };
  for (const [field, value] of Object.entries(current.body)) {
    if (Object.hasOwn(body, field) || !isHubWritten(current.lineage[field])) continue;
    body[field] = value;
    lineage[field] = current.lineage[field];
  }
  return { body, lineage };
}
