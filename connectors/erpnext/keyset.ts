/**
 * Keyset paging on (field, name): timestamps come with microseconds, and name breaks ties. Frappe
 * ANDs `filters` and ORs `or_filters`, so [field >= t] AND ([field > t] OR [name > n]) is exactly
 * "after (t, n)". Unlike limit_start paging, a document saved while a sync runs moves to the end
 * and is read again instead of shifting the pages and making another document be skipped.
 */
export function keysetAfter(field: string, after: { value: string; name: string } | undefined) {
  if (!after) return { filters: [], orFilters: [] };
  return {
    filters: [[field, '>=', after.value]],
    orFilters: [
      [field, '>', after.value],
      ['name', '>', after.name],
    ],
  };
}
