import { en, Faker } from '@faker-js/faker';
import { cities, cores, grades, opportunityStages, partFamilies, sizes, trades } from './names.ts';

export interface DemoWorkCenter {
  code: string;
  name: string;
  hoursPerDay: number;
  /** Parallel machines or lines. */
  capacity: number;
  constraint: boolean;
}
export interface DemoItem {
  sku: string;
  name: string;
  listPrice: number;
  /** Truly variable cost per unit (material and purchased parts), USD. */
  trulyVariableCost: number;
  makeToOrder: boolean;
  purchased: boolean;
  routing: Array<{ workCenter: string; minutesPerUnit: number }>;
}
export interface DemoCompany {
  key: string;
  crmName?: string;
  erpName?: string;
  phone: string;
  domain: string;
  vat: string;
  street: string;
  city: string;
  country: string;
}
export interface DemoSupplier {
  key: string;
  portalId: string;
  name: string;
  vat: string;
  phone: string;
  email: string;
  city: string;
  leadTimeDays: number;
  /** Share of orders it delivers late. */
  lateness: number;
}
export interface DemoLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}
export interface DemoOrder {
  number: string;
  customer: string;
  orderDate: string;
  commitmentDate: string;
  lines: DemoLine[];
}
export interface DemoOpportunity {
  name: string;
  customer: string;
  stage: string;
  closeDate: string;
  lines: DemoLine[];
}
export interface DemoPurchaseOrder {
  number: string;
  supplier: string;
  orderDate: string;
  promisedDate: string;
  lines: DemoLine[];
}
export interface DemoData {
  today: string;
  workCenters: DemoWorkCenter[];
  items: DemoItem[];
  companies: DemoCompany[];
  suppliers: DemoSupplier[];
  salesOrders: DemoOrder[];
  opportunities: DemoOpportunity[];
  purchaseOrders: DemoPurchaseOrder[];
  stock: Array<{ sku: string; onHand: number }>;
}

/** Heat treatment is the drum: two shifts on one furnace line, about 800 parts a day. */
export const workCenters: DemoWorkCenter[] = [
  { code: 'STAMP', name: 'Stamping', hoursPerDay: 16, capacity: 3, constraint: false },
  { code: 'MACH', name: 'Machining', hoursPerDay: 16, capacity: 4, constraint: false },
  { code: 'HEAT', name: 'Heat treatment', hoursPerDay: 16, capacity: 1, constraint: true },
  { code: 'ASSY', name: 'Assembly', hoursPerDay: 16, capacity: 2, constraint: false },
];

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function generateItems(faker: Faker): DemoItem[] {
  const items: DemoItem[] = [];
  const seen = new Set<string>();
  while (items.length < 50) {
    const family = faker.helpers.arrayElement(partFamilies);
    const [size, grade] = [faker.helpers.arrayElement(sizes), faker.helpers.arrayElement(grades)];
    const sku = `${family.code}-${size}-${grade}`;
    if (seen.has(sku)) continue;
    seen.add(sku);
    const listPrice = round(faker.number.float({ min: family.price[0], max: family.price[1] }));
    const heat = round(faker.number.float({ min: family.heat[0], max: family.heat[1] }));
    items.push({
      sku,
      name: `${family.name} Ø${size} ${grade}`,
      listPrice,
      trulyVariableCost: round(listPrice * faker.number.float({ min: 0.35, max: 0.6 })),
      makeToOrder: faker.datatype.boolean({ probability: 0.4 }),
      purchased: false,
      routing: [
        { workCenter: 'STAMP', minutesPerUnit: round(faker.number.float({ min: 0.3, max: 0.8 })) },
        { workCenter: 'MACH', minutesPerUnit: round(faker.number.float({ min: 1.0, max: 3.0 })) },
        { workCenter: 'HEAT', minutesPerUnit: heat },
        { workCenter: 'ASSY', minutesPerUnit: round(faker.number.float({ min: 0.5, max: 1.5 })) },
      ],
    });
  }
  for (const grade of grades) {
    const price = round(faker.number.float({ min: 4, max: 12 }));
    items.push({
      sku: `RM-${grade}-BAR`,
      name: `Steel bar ${grade}`,
      listPrice: price,
      trulyVariableCost: price,
      makeToOrder: false,
      purchased: true,
      routing: [],
    });
  }
  return items;
}

/** 200 companies; a quarter in both CRM and ERP under different spellings, the rest in one of them. */
function generateCompanies(faker: Faker): DemoCompany[] {
  const companies: DemoCompany[] = [];
  const used = new Set<string>();
  for (let index = 0; companies.length < 200; index += 1) {
    const foreign = index % 7 === 6;
    const [cityZh, cityEn, area] = faker.helpers.arrayElement(cities);
    const [coreZh, coreEn] = faker.helpers.arrayElement(cores);
    const [tradeZh, tradeEn] = faker.helpers.arrayElement(trades);
    const english = foreign
      ? faker.company
          .name()
          .replace(/[^A-Za-z ]/g, '')
          .replace(/\s+/g, ' ')
          .trim()
      : `${cityEn} ${coreEn} ${tradeEn} Co., Ltd.`;
    if (used.has(english) || used.has(`${coreEn}-${cityEn}`)) continue;
    used.add(english);
    if (!foreign) used.add(`${coreEn}-${cityEn}`);
    const n = companies.length;
    const presence = n % 4 === 0 ? 'both' : n % 4 === 3 ? 'erp' : 'crm';
    const erpName = foreign
      ? english.toUpperCase()
      : n % 8 === 0
        ? `${cityZh}${coreZh}${tradeZh}有限公司`
        : `${coreEn} ${tradeEn} (${cityEn}) Co Ltd`.toUpperCase();
    const domain = `${(foreign ? english : `${coreEn}${cityEn}`)
      .toLowerCase()
      .replace(/[^a-z]/g, '')
      .slice(0, 18)}${n}.${foreign ? 'com' : 'com.cn'}`;
    companies.push({
      key: `C${String(n + 1).padStart(3, '0')}`,
      crmName: presence === 'erp' ? undefined : english,
      erpName:
        presence === 'crm'
          ? undefined
          : presence === 'both'
            ? erpName
            : foreign
              ? english
              : `${cityZh}${coreZh}${tradeZh}有限公司`,
      phone: foreign
        ? `+1 ${faker.helpers.arrayElement(['312', '313', '248', '734', '419', '614'])} 555 01${faker.string.numeric(2)}`
        : `+86 ${area} ${faker.string.numeric(4)} ${faker.string.numeric(4)}`,
      domain,
      vat: foreign
        ? `US${faker.string.numeric(9)}`
        : `91${faker.string.numeric(4)}MA${faker.string.alphanumeric({ length: 9, casing: 'upper' })}${faker.string.numeric(1)}`,
      street: foreign
        ? faker.location.streetAddress()
        : `${faker.number.int({ min: 1, max: 999 })} ${faker.helpers.arrayElement(['Jiefang', 'Renmin', 'Zhongshan', 'Jianshe', 'Xinhua'])} Road`,
      city: foreign ? faker.location.city() : cityEn,
      country: foreign ? 'US' : 'CN',
    });
  }
  return companies;
}

function generateSuppliers(faker: Faker): DemoSupplier[] {
  return Array.from({ length: 40 }, (_, index) => {
    const [, cityEn, area] = faker.helpers.arrayElement(cities);
    const [, coreEn] = faker.helpers.arrayElement(cores);
    const kind = faker.helpers.arrayElement([
      'Steel',
      'Special Steel',
      'Forging',
      'Bearings',
      'Fasteners',
      'Coatings',
    ]);
    const name = `${cityEn} ${coreEn} ${kind} Co., Ltd.`;
    return {
      key: `S${String(index + 1).padStart(3, '0')}`,
      portalId: `SUP-${1000 + index}`,
      name,
      vat: `91${faker.string.numeric(4)}MA${faker.string.alphanumeric({ length: 9, casing: 'upper' })}${faker.string.numeric(1)}`,
      phone: `+86 ${area} ${faker.string.numeric(4)} ${faker.string.numeric(4)}`,
      email: `sales@${coreEn.toLowerCase()}${kind.toLowerCase().replace(/ /g, '')}${index}.cn`,
      city: cityEn,
      leadTimeDays: faker.number.int({ min: 5, max: 30 }),
      lateness: index % 8 === 0 ? 0.6 : 0.1,
    };
  });
}

function linesOf(faker: Faker, items: DemoItem[], max: number, quantity: [number, number]): DemoLine[] {
  return faker.helpers.arrayElements(items, { min: 1, max }).map((item) => ({
    sku: item.sku,
    quantity: faker.number.int({ min: quantity[0], max: quantity[1] }) * 10,
    unitPrice: item.listPrice,
  }));
}

/** The whole demo world, the same for the same seed and day. */
export function generateDemoData(seed: number, today: string): DemoData {
  const faker = new Faker({ locale: [en], seed });
  const items = generateItems(faker);
  const companies = generateCompanies(faker);
  const suppliers = generateSuppliers(faker);
  const made = items.filter((item) => !item.purchased);
  const materials = items.filter((item) => item.purchased);
  const erpCustomers = companies.filter((company) => company.erpName);
  const crmCustomers = companies.filter((company) => company.crmName);
  const salesOrders = Array.from({ length: 300 }, (_, index): DemoOrder => {
    const orderDate = addDays(today, -faker.number.int({ min: 0, max: 20 }));
    return {
      number: `SO-${String(24001 + index)}`,
      customer: faker.helpers.arrayElement(erpCustomers).key,
      orderDate,
      commitmentDate: addDays(today, faker.number.int({ min: 2, max: 40 })),
      lines: linesOf(faker, made, 3, [1, 8]),
    };
  });
  const opportunities = Array.from({ length: 160 }, (_, index): DemoOpportunity => {
    const stage =
      index < 30
        ? 'Closed Won'
        : index < 42
          ? 'Closed Lost'
          : faker.helpers.arrayElement(opportunityStages.slice(0, 5));
    const customer = faker.helpers.arrayElement(crmCustomers);
    const lines = linesOf(faker, made, 2, [5, 60]);
    return {
      name: `${customer.crmName!.split(' ').slice(0, 2).join(' ')} – ${lines[0]!.sku} ${2025 + (index % 2)}`,
      customer: customer.key,
      stage,
      closeDate: addDays(
        today,
        stage.startsWith('Closed')
          ? -faker.number.int({ min: 1, max: 30 })
          : faker.number.int({ min: 5, max: 90 }),
      ),
      lines,
    };
  });
  const purchaseOrders = Array.from({ length: 60 }, (_, index): DemoPurchaseOrder => {
    const supplier = suppliers[index % suppliers.length]!;
    const orderDate = addDays(today, -faker.number.int({ min: 1, max: 20 }));
    return {
      number: `PO-${String(8001 + index)}`,
      supplier: supplier.key,
      orderDate,
      promisedDate: addDays(orderDate, supplier.leadTimeDays),
      lines: linesOf(faker, materials, 2, [50, 300]),
    };
  });
  const stock = items
    .filter((item) => !item.makeToOrder)
    .map((item) => ({
      sku: item.sku,
      onHand: faker.number.int({ min: 0, max: item.purchased ? 4000 : 900 }),
    }));
  return {
    today,
    workCenters,
    items,
    companies,
    suppliers,
    salesOrders,
    opportunities,
    purchaseOrders,
    stock,
  };
}
