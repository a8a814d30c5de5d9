import type { CsvDrop } from '../../connectors/sandbox/supplier-portal/csv-drop.ts';
import type { SupplierPortal } from '../../connectors/sandbox/supplier-portal/server.ts';
import { addDays, type DemoData } from './generate.ts';

/** The suppliers' side: their own records of the suppliers and of our purchase orders, with promised dates. */
export function seedPortal(portal: SupplierPortal, data: DemoData): void {
  for (const supplier of data.suppliers)
    portal.put('suppliers', {
      id: supplier.portalId,
      name: supplier.name,
      tax_id: supplier.vat,
      email: supplier.email.toUpperCase(),
      phone: supplier.phone,
      currency: 'cny',
      lead_time_days: supplier.leadTimeDays,
      address: { city: supplier.city, country: 'China' },
    });
  for (const order of data.purchaseOrders) {
    const supplier = data.suppliers.find((candidate) => candidate.key === order.supplier)!;
    const slip = supplier.lateness > 0.5 ? 7 : 0;
    portal.put('purchase-orders', {
      id: order.number,
      number: order.number,
      supplier_id: supplier.portalId,
      status: 'confirmed',
      order_date: order.orderDate,
      currency: 'usd',
      lines: order.lines.map((line, index) => ({
        line_no: (index + 1) * 10,
        sku: line.sku,
        qty: line.quantity,
        uom: 'pcs',
        unit_price: line.unitPrice,
        promised_date: addDays(order.promisedDate, slip),
      })),
    });
  }
}

/** The supplier master file the portal drops for the CSV import: the first ten suppliers. */
export async function dropSupplierFile(drop: CsvDrop, data: DemoData): Promise<string> {
  return drop.drop(
    'suppliers',
    data.suppliers.slice(0, 10).map((supplier) => ({
      'Supplier no': supplier.portalId,
      Name: supplier.name,
      'VAT id': supplier.vat,
      Email: supplier.email,
      Phone: supplier.phone,
      Currency: 'CNY',
      'Lead time days': supplier.leadTimeDays,
      City: supplier.city,
      Country: 'China',
    })),
  );
}
