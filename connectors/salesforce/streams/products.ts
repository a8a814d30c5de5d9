import { defineSObjectStream } from './sobject-stream.ts';

export const products = defineSObjectStream({
  name: 'products',
  entity: 'item',
  sobject: 'Product2',
  description: 'Products with their price book entries',
  fields: [
    'Name',
    'ProductCode',
    'StockKeepingUnit',
    'Description',
    'Family',
    'IsActive',
    'QuantityUnitOfMeasure',
    'CreatedDate',
    'LastModifiedDate',
  ],
  children: [
    { name: 'PricebookEntries', fields: ['Id', 'Pricebook2Id', 'UnitPrice', 'IsActive', 'UseStandardPrice'] },
  ],
});
