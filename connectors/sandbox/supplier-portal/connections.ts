/** Connection configs that point the generic REST and CSV connectors at the supplier portal. */
export function portalRestConfig(baseUrl: string, apiKey: string) {
  const paged = {
    pageSize: 50,
    pagination: { type: 'page', pageParam: 'page', sizeParam: 'per_page', firstPage: 1 },
    recordPath: 'data',
    incremental: { field: 'updated_at', param: 'updated_since' },
  };
  return {
    baseUrl: `${baseUrl}/v1`,
    auth: { type: 'api_key', header: 'X-API-Key', key: apiKey },
    streams: [
      { name: 'suppliers', entity: 'supplier', path: '/suppliers', ...paged },
      { name: 'stock_levels', entity: 'stock_level', path: '/stock-levels', ...paged },
      { name: 'receipts', entity: 'shipment', path: '/receipts', ...paged },
      {
        name: 'purchase_orders',
        entity: 'purchase_order',
        path: '/purchase-orders',
        ...paged,
        write: {
          create: { method: 'POST', path: '/purchase-orders' },
          update: { method: 'PATCH', path: '/purchase-orders/{externalId}' },
          idempotencyHeader: 'Idempotency-Key',
          responseRecordPath: 'data',
        },
      },
    ],
  };
}

/** The drop folder's supplier master and order confirmation files, as the portal writes them. */
export function portalCsvConfig(folder: string, stableForMs = 500) {
  return {
    source: { type: 'folder', path: folder },
    completion: { mode: 'stable', stableForMs },
    streams: [
      {
        name: 'suppliers',
        entity: 'supplier',
        direction: 'import',
        pattern: 'suppliers*.csv',
        columns: {
          'Supplier no': 'code',
          Name: 'name',
          'VAT id': 'taxId',
          Email: 'email',
          Phone: 'phone',
          Currency: 'currency',
          'Lead time days': 'leadTimeDays',
          City: 'city',
          Country: 'country',
        },
        idField: 'code',
        numberFields: ['leadTimeDays'],
        requiredFields: ['name'],
      },
    ],
  };
}
