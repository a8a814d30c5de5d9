import { defineSObjectStream } from './sobject-stream.ts';

export const opportunities = defineSObjectStream({
  name: 'opportunities',
  entity: 'opportunity',
  sobject: 'Opportunity',
  description: 'Opportunities with their line items',
  fields: [
    'AccountId',
    'Name',
    'StageName',
    'Amount',
    'Probability',
    'CloseDate',
    'Type',
    'LeadSource',
    'ForecastCategoryName',
    'IsClosed',
    'IsWon',
    'Pricebook2Id',
    'OwnerId',
    'CreatedDate',
    'LastModifiedDate',
  ],
  children: [
    {
      name: 'OpportunityLineItems',
      fields: [
        'Id',
        'Product2Id',
        'PricebookEntryId',
        'Quantity',
        'UnitPrice',
        'TotalPrice',
        'Discount',
        'ServiceDate',
        'Description',
      ],
    },
  ],
});
