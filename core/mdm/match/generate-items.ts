import { Faker, fakerZH_CN } from '@faker-js/faker';
import { HubError } from '../../errors/index.ts';
import { restyle, sometimes, typo } from './corrupt.ts';

interface Kind {
  code: string;
  english: string;
  chinese: string;
  hasLength: boolean;
}

const KINDS: Kind[] = [
  { code: 'BLT', english: 'Hex Bolt', chinese: '六角螺栓', hasLength: true },
  { code: 'SCR', english: 'Machine Screw', chinese: '螺钉', hasLength: true },
  { code: 'STD', english: 'Stud', chinese: '螺柱', hasLength: true },
  { code: 'NUT', english: 'Hex Nut', chinese: '螺母', hasLength: false },
  { code: 'WSH', english: 'Flat Washer', chinese: '垫圈', hasLength: false },
];
const SIZES = [3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24];
const LENGTHS = [6, 8, 10, 12, 16, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 100, 120];
const GRADES = ['4.8', '8.8', '10.9', 'A2', 'A4'];

interface Item {
  kind: Kind;
  size: string;
  grade: string;
  gtin: string;
}

function gtinFor(faker: Faker): string {
  const body = `69${faker.string.numeric(10)}`;
  let sum = 0;
  for (let index = 0; index < 12; index += 1) sum += Number(body[index]) * (index % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

function sourceRecord(faker: Faker, item: Item): Record<string, string> {
  const gradeCode = item.grade.replace('.', '');
  const style = faker.helpers.arrayElement(['erp', 'chinese', 'supplier'] as const);
  const withGrade = faker.datatype.boolean({ probability: 0.85 });
  const records = {
    erp: {
      sku: `${item.kind.code}-${item.size}-${gradeCode}`,
      name: `${item.kind.english} ${item.size}${withGrade ? ` ${item.grade}` : ''}`,
      unit: faker.helpers.arrayElement(['pcs', 'EA', 'each']),
    },
    chinese: {
      sku: sometimes(faker, 0.5, `${item.kind.code}${item.size.replace('X', '*')}/${gradeCode}`),
      name: `${item.size.replace('X', '*')} ${item.kind.chinese}${withGrade ? ` ${item.grade}级` : ''}`,
      unit: faker.helpers.arrayElement(['个', '件', 'PCS']),
    },
    supplier: {
      sku: `${item.kind.code} ${item.size.replace('X', ' x ')} ${item.grade}`,
      name: restyle(
        faker,
        `${item.kind.english.toUpperCase()} ${item.size.replace('X', ' X ')}MM GR ${item.grade}`,
      ),
      unit: faker.helpers.arrayElement(['EA', 'PC']),
    },
  }[style];
  const name = faker.datatype.boolean({ probability: 0.2 }) ? typo(faker, records.name) : records.name;
  return { ...records, name, gtin: sometimes(faker, 0.3, item.gtin) };
}

/**
 * Labelled fastener records: each item appears one to three times as an ERP code ("BLT-M8X30-88"),
 * a Chinese description ("M8*30 六角螺栓 8.8级") or a supplier line, with typos and missing grades.
 */
export function generateItems(count: number, seed: number): Array<Record<string, string>> {
  const distinctItems =
    KINDS.reduce((sum, kind) => sum + SIZES.length * (kind.hasLength ? LENGTHS.length : 1), 0) *
    GRADES.length;
  // At most three records per item; well below that keeps the random draw from stalling.
  if (count > distinctItems) {
    throw new HubError(
      'invalid_data',
      'count_too_large',
      `At most ${distinctItems} item records can be generated`,
      {
        fieldPath: 'count',
      },
    );
  }
  const faker = new Faker({ locale: fakerZH_CN.definitions });
  faker.seed(seed);
  const seen = new Set<string>();
  const rows: Array<Record<string, string>> = [];
  for (let entity = 0; rows.length < count; entity += 1) {
    const kind = faker.helpers.arrayElement(KINDS);
    const diameter = faker.helpers.arrayElement(SIZES);
    const size = kind.hasLength ? `M${diameter}X${faker.helpers.arrayElement(LENGTHS)}` : `M${diameter}`;
    const grade = faker.helpers.arrayElement(GRADES);
    const key = `${kind.code}|${size}|${grade}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const item = { kind, size, grade, gtin: gtinFor(faker) };
    const copies = faker.helpers.arrayElement([1, 1, 2, 2, 3]);
    for (let copy = 0; copy < copies && rows.length < count; copy += 1) {
      rows.push({ id: `i${rows.length + 1}`, truth: `item-${entity + 1}`, ...sourceRecord(faker, item) });
    }
  }
  return rows;
}
