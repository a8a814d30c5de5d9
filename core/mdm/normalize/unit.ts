import { HubError } from '../../errors/index.ts';
import { foldText, isBlank } from './text.ts';

export type Dimension = 'count' | 'mass' | 'length' | 'volume';

interface UnitDefinition {
  dimension: Dimension;
  /** Size in the dimension's base unit (pcs, kg, m, l). Packaging units have none: see boxFactor. */
  factor?: number;
  aliases: string[];
}

/** Canonical unit codes with their spellings in English, German and Chinese ERPs. */
const UNITS: Readonly<Record<string, UnitDefinition>> = {
  pcs: {
    dimension: 'count',
    factor: 1,
    aliases: [
      'pcs',
      'pc',
      'ea',
      'each',
      'piece',
      'pieces',
      'unit',
      'units',
      'st',
      'stk',
      'stuck',
      'c62',
      'h87',
      '个',
      '件',
      '只',
      '支',
      '根',
      '片',
      '颗',
    ],
  },
  pair: { dimension: 'count', factor: 2, aliases: ['pair', 'pairs', 'pr', '双', '对'] },
  dozen: { dimension: 'count', factor: 12, aliases: ['dozen', 'dz', 'doz', '打'] },
  box: {
    dimension: 'count',
    aliases: ['box', 'boxes', 'bx', 'carton', 'ctn', 'case', 'pack', 'pk', 'pkg', '盒', '箱', '包'],
  },
  g: { dimension: 'mass', factor: 0.001, aliases: ['g', 'gr', 'gram', 'grams', 'gramme', 'grm', '克'] },
  kg: {
    dimension: 'mass',
    factor: 1,
    aliases: ['kg', 'kgs', 'kilo', 'kilogram', 'kilograms', 'kgm', '公斤', '千克'],
  },
  t: { dimension: 'mass', factor: 1000, aliases: ['t', 'tonne', 'tonnes', 'ton', 'mt', 'tne', '吨'] },
  lb: { dimension: 'mass', factor: 0.45359237, aliases: ['lb', 'lbs', 'pound', 'pounds', '磅'] },
  mm: { dimension: 'length', factor: 0.001, aliases: ['mm', 'millimeter', 'millimetre', 'mmt', '毫米'] },
  cm: { dimension: 'length', factor: 0.01, aliases: ['cm', 'centimeter', 'centimetre', 'cmt', '厘米'] },
  m: { dimension: 'length', factor: 1, aliases: ['m', 'meter', 'metre', 'meters', 'metres', 'mtr', '米'] },
  km: { dimension: 'length', factor: 1000, aliases: ['km', 'kilometer', 'kilometre', '公里', '千米'] },
  in: { dimension: 'length', factor: 0.0254, aliases: ['in', 'inch', 'inches', '英寸'] },
  ml: { dimension: 'volume', factor: 0.001, aliases: ['ml', 'milliliter', 'millilitre', '毫升'] },
  l: {
    dimension: 'volume',
    factor: 1,
    aliases: ['l', 'lt', 'ltr', 'liter', 'litre', 'liters', 'litres', '升'],
  },
};

const unitByAlias = new Map<string, string>();
for (const [code, unit] of Object.entries(UNITS))
  for (const alias of unit.aliases) unitByAlias.set(alias, code);

/** The canonical unit code ("个" -> "pcs", "KGS" -> "kg"), or null when unknown. */
export function normalizeUnit(raw: string | null | undefined): string | null {
  if (isBlank(raw)) return null;
  return unitByAlias.get(foldText(raw).replace(/\s/g, '')) ?? null;
}

function resolveUnit(raw: string, fieldPath: string): { code: string; unit: UnitDefinition } {
  const code = normalizeUnit(raw);
  if (!code)
    throw new HubError('invalid_data', 'unknown_unit', `Unknown unit of measure "${raw}"`, { fieldPath });
  return { code, unit: UNITS[code] };
}

export interface ConversionOptions {
  /** Pieces per box (carton, pack) for this item; needed whenever a box is converted. */
  boxFactor?: number;
  itemId?: string;
}

function countFactor(
  code: string,
  unit: UnitDefinition,
  options: ConversionOptions,
  fieldPath: string,
): number {
  if (unit.factor !== undefined) return unit.factor;
  if (!options.boxFactor || options.boxFactor <= 0) {
    const item = options.itemId ? ` for item ${options.itemId}` : '';
    throw new HubError(
      'invalid_data',
      'missing_box_factor',
      `Converting "${code}" needs a box factor${item}`,
      {
        fieldPath,
        details: options.itemId ? { recordId: options.itemId } : {},
      },
    );
  }
  return options.boxFactor;
}

/**
 * Converts a quantity between units of one dimension: 2 kg -> 2000 g, 3 box -> 300 pcs with a
 * box factor of 100. Converting across dimensions (kg to pcs) is an error: it needs an item's
 * weight, which is master data, not a unit rule.
 */
export function convertQuantity(
  quantity: number,
  from: string,
  to: string,
  options: ConversionOptions = {},
): number {
  const source = resolveUnit(from, 'from');
  const target = resolveUnit(to, 'to');
  if (source.unit.dimension !== target.unit.dimension) {
    throw new HubError(
      'invalid_data',
      'incompatible_units',
      `Cannot convert ${source.code} (${source.unit.dimension}) to ${target.code} (${target.unit.dimension})`,
      { fieldPath: 'to' },
    );
  }
  if (source.code === target.code) return quantity;
  const fromFactor = countFactor(source.code, source.unit, options, 'from');
  const toFactor = countFactor(target.code, target.unit, options, 'to');
  // Rounded to 9 decimals so 0.1 kg -> 100 g, not 100.00000000000001.
  return Math.round(((quantity * fromFactor) / toFactor) * 1e9) / 1e9;
}
