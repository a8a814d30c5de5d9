import { Faker, fakerZH_CN } from '@faker-js/faker';
import * as OpenCC from 'opencc-js/cn2t';
import { pinyin } from 'pinyin-pro';
import { chinesePlaces, industryTerms } from '../normalize/company-terms.ts';
import { computeUsccCheckCharacter } from '../normalize/uscc.ts';
import { restyle, sometimes, typo } from './corrupt.ts';

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const BRAND_CHARACTERS = [
  ...'恒达兴盛华鑫隆泰丰源宏昌德瑞祥通利安康嘉永福金元信和美新中海天宇创博远正明辉佳荣凯顺茂卓力诚益长东光',
];
const CITY_PLACES = chinesePlaces.slice(0, 48);
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

interface Company {
  place: string;
  brand: string;
  industry: readonly [string, string];
  street: string;
  number: string;
  postcode: string;
  phone: string;
  domain: string;
  taxId: string;
}

function romanize(text: string): string {
  return pinyin(text, { toneType: 'none', type: 'array', v: true }).join('');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function createCompany(faker: Faker): Company {
  const brand = faker.helpers.arrayElements(BRAND_CHARACTERS, 2).join('');
  const body = `91${faker.string.numeric(6)}${faker.helpers.multiple(() => faker.helpers.arrayElement([...USCC_ALPHABET]), { count: 9 }).join('')}`;
  return {
    place: faker.helpers.arrayElement(CITY_PLACES),
    brand,
    industry: faker.helpers.arrayElement(industryTerms.filter(([zh]) => zh.length >= 2)),
    street: fakerZH_CN.location.street(),
    number: String(faker.number.int({ min: 1, max: 999 })),
    postcode: faker.string.numeric(6),
    phone: `1${faker.helpers.arrayElement(['38', '39', '58', '59', '86', '87'])}${faker.string.numeric(8)}`,
    domain: `${romanize(brand)}${faker.helpers.arrayElement(['', '-group', 'tech'])}.${faker.helpers.arrayElement(['com', 'cn', 'com.cn'])}`,
    taxId: body + computeUsccCheckCharacter(body),
  };
}

function chineseName(faker: Faker, company: Company): string {
  const form = faker.helpers.arrayElement(['有限公司', '股份有限公司', '有限责任公司', '(集团)有限公司', '']);
  const name = `${company.place}${company.brand}${company.industry[0]}${form}`;
  return faker.datatype.boolean({ probability: 0.2 }) ? toTraditional(name) : name;
}

function englishName(faker: Faker, company: Company): string {
  const place = capitalize(romanize(company.place));
  const brand = capitalize(romanize(company.brand));
  const industry = company.industry[1].split(' ').map(capitalize).join(' ');
  const form = faker.helpers.arrayElement([
    'Co., Ltd.',
    'Co. Ltd',
    'Company Limited',
    'Ltd',
    'Limited',
    'Inc.',
    '',
  ]);
  const name = faker.datatype.boolean({ probability: 0.2 })
    ? `${brand} ${industry} (${place}) ${form}`
    : `${faker.datatype.boolean({ probability: 0.85 }) ? `${place} ` : ''}${brand} ${industry} ${form}`;
  return restyle(faker, faker.datatype.boolean({ probability: 0.3 }) ? typo(faker, name) : name).trim();
}

function phoneSpelling(faker: Faker, phone: string): string {
  return faker.helpers.arrayElement([
    phone,
    `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`,
    `0086-${phone}`,
  ]);
}

function sourceRecord(faker: Faker, company: Company, chinese: boolean): Record<string, string> {
  const city = chinese ? `${company.place}市` : capitalize(romanize(company.place));
  const street = chinese
    ? `${company.street}${company.number}号`
    : `${company.number} ${capitalize(romanize(company.street.replace(/路$/, '')))}${company.street.endsWith('路') ? ' Road' : ''}`;
  const record = {
    name: chinese ? chineseName(faker, company) : englishName(faker, company),
    taxId: sometimes(
      faker,
      0.35,
      faker.datatype.boolean({ probability: 0.1 }) ? typo(faker, company.taxId) : company.taxId,
    ),
    phone: sometimes(faker, 0.6, phoneSpelling(faker, company.phone)),
    email: sometimes(
      faker,
      0.5,
      `${faker.helpers.arrayElement(['info', 'sales', 'service'])}@${company.domain}`,
    ),
    street: sometimes(faker, 0.8, street),
    city: sometimes(faker, 0.9, city),
    postcode: sometimes(faker, 0.6, company.postcode),
    country: faker.helpers.arrayElement(chinese ? ['中国', 'CN', ''] : ['China', 'CN', 'PRC', '']),
  };
  // A swapped field: the street typed into the city box and the city into the street box.
  if (faker.datatype.boolean({ probability: 0.05 }))
    [record.street, record.city] = [record.city, record.street];
  return record;
}

/**
 * Labelled company records: each company appears one to four times, in Chinese (simplified or
 * traditional) and English, with legal-form variants, typos, missing and swapped fields.
 */
export function generateCompanies(count: number, seed: number): Array<Record<string, string>> {
  const faker = new Faker({ locale: fakerZH_CN.definitions });
  faker.seed(seed);
  fakerZH_CN.seed(seed);
  const rows: Array<Record<string, string>> = [];
  for (let entity = 0; rows.length < count; entity += 1) {
    const company = createCompany(faker);
    const copies = faker.helpers.weightedArrayElement([
      { weight: 4, value: 1 },
      { weight: 3, value: 2 },
      { weight: 2, value: 3 },
      { weight: 1, value: 4 },
    ]);
    for (let copy = 0; copy < copies && rows.length < count; copy += 1) {
      const chinese = copy === 0 ? faker.datatype.boolean() : faker.datatype.boolean({ probability: 0.4 });
      rows.push({
        id: `c${rows.length + 1}`,
        truth: `company-${entity + 1}`,
        ...sourceRecord(faker, company, chinese),
      });
    }
  }
  return rows;
}
