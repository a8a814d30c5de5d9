import type { SandboxOrg } from '../../connectors/sandbox/salesforce/org.ts';
import type { DemoData, DemoLine } from './generate.ts';

export const standardPricebookId = '01sDm0000000001AAA';
const countryName: Record<string, string> = { CN: 'China', US: 'United States' };

/** The CRM side: accounts (English names), products with list prices, opportunities with lines. */
export function seedSalesforce(
  org: SandboxOrg,
  data: DemoData,
): { accountIds: Map<string, string>; productIds: Map<string, string> } {
  const accountIds = new Map<string, string>();
  for (const company of data.companies) {
    if (!company.crmName) continue;
    const account = org.insert('Account', {
      Name: company.crmName,
      Type: 'Customer - Direct',
      Industry: 'Automotive',
      Phone: company.phone,
      Website: `www.${company.domain}`,
      BillingStreet: company.street,
      BillingCity: company.city,
      BillingCountry: countryName[company.country],
    });
    accountIds.set(company.key, account.Id);
  }
  const productIds = new Map<string, string>();
  for (const item of data.items.filter((candidate) => !candidate.purchased)) {
    const product = org.insert('Product2', {
      Name: item.name,
      ProductCode: item.sku,
      Family: item.sku.slice(0, 2),
      IsActive: true,
      QuantityUnitOfMeasure: 'Units',
    });
    org.insert('PricebookEntry', {
      Product2Id: product.Id,
      Pricebook2Id: standardPricebookId,
      UnitPrice: item.listPrice,
      IsActive: true,
      UseStandardPrice: false,
    });
    productIds.set(item.sku, product.Id);
  }
  for (const opportunity of data.opportunities) insertOpportunity(org, opportunity, accountIds, productIds);
  return { accountIds, productIds };
}

export function insertOpportunity(
  org: SandboxOrg,
  opportunity: { name: string; customer: string; stage: string; closeDate: string; lines: DemoLine[] },
  accountIds: Map<string, string>,
  productIds: Map<string, string>,
) {
  const amount = opportunity.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const record = org.insert('Opportunity', {
    AccountId: accountIds.get(opportunity.customer),
    Name: opportunity.name,
    StageName: opportunity.stage,
    CloseDate: opportunity.closeDate,
    Amount: Math.round(amount * 100) / 100,
    Probability: opportunity.stage === 'Closed Won' ? 100 : opportunity.stage === 'Closed Lost' ? 0 : 40,
    Pricebook2Id: standardPricebookId,
  });
  for (const line of opportunity.lines)
    org.insert('OpportunityLineItem', {
      OpportunityId: record.Id,
      Product2Id: productIds.get(line.sku),
      Quantity: line.quantity,
      UnitPrice: line.unitPrice,
      TotalPrice: line.quantity * line.unitPrice,
    });
  return record;
}
