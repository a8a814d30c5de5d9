import { foldText, isBlank, toHalfWidth } from './text.ts';

/**
 * Item codes: separators and case removed, and the dimension sign ("x", "*", "×") written one
 * way, so "blt-m8x30", "BLT M8*30" and "BLT_M8×30" are one SKU.
 */
export function normalizeSku(raw: string | null | undefined): string | null {
  if (isBlank(raw)) return null;
  const code = toHalfWidth(raw)
    .toUpperCase()
    .replace(/(\d)\s*[X*×]\s*(?=\d)/g, '$1X')
    .replace(/[^\p{L}\p{N}]/gu, '');
  return code || null;
}

/** Part kinds and the words, abbreviations and Chinese names systems use for them. */
const KINDS: ReadonlyArray<readonly [string, string[]]> = [
  ['bolt', ['bolt', 'bolts', 'blt', 'bt', '螺栓']],
  ['nut', ['nut', 'nuts', 'nt', '螺母', '螺帽']],
  ['screw', ['screw', 'screws', 'scr', 'sc', '螺钉', '螺丝']],
  ['washer', ['washer', 'washers', 'wsh', 'wa', '垫圈', '垫片']],
  ['rivet', ['rivet', 'rivets', 'rvt', '铆钉']],
  ['pin', ['pin', 'pins', '销', '销钉']],
  ['stud', ['stud', 'studs', 'std', '螺柱']],
  ['bearing', ['bearing', 'bearings', 'brg', '轴承']],
  ['spring', ['spring', 'springs', 'spr', '弹簧']],
  ['gasket', ['gasket', 'gaskets', 'gsk', '密封垫']],
];

const kindByWord = new Map<string, string>();
for (const [kind, words] of KINDS) for (const word of words) kindByWord.set(word, kind);
const CHINESE_KIND_WORDS = KINDS.flatMap(([, words]) => words.filter((word) => /\p{Script=Han}/u.test(word)));

export interface ItemSpec {
  /** Canonical part kind ("bolt"), or null when none is named. */
  kind: string | null;
  /** Thread and length in one spelling ("M8X30"), or the bare size ("M8"), or null. */
  size: string | null;
}

/**
 * Reads the part kind and size from a SKU or description: "BLT-M8x30", "M8*30 螺栓" and "Hex
 * bolt M8 x 30 mm" all give { kind: "bolt", size: "M8X30" }.
 */
export function parseItemSpec(raw: string | null | undefined): ItemSpec {
  if (isBlank(raw)) return { kind: null, size: null };
  const text = toHalfWidth(raw).replace(/[×*]/g, 'x');
  const sizeMatch = text.match(/\bM\s*(\d+(?:\.\d+)?)(?:\s*x\s*(\d+(?:\.\d+)?)\s*(?:mm)?)?/i);
  const size = sizeMatch ? `M${sizeMatch[1]}${sizeMatch[2] ? `X${sizeMatch[2]}` : ''}` : null;
  const chinese = CHINESE_KIND_WORDS.find((word) => foldText(text).includes(word));
  const words = foldText(text.replace(/([a-z])(?=\d)|(\d)(?=[a-z])/gi, '$1$2 ')).split(' ');
  const latin = words.map((word) => kindByWord.get(word)).find((kind) => kind !== undefined);
  return { kind: latin ?? (chinese ? (kindByWord.get(chinese) ?? null) : null), size };
}

/** Property class of a fastener ("8.8", "10.9") or stainless grade ("A2", "A4"), or null. */
export function parseItemGrade(raw: string | null | undefined): string | null {
  if (isBlank(raw)) return null;
  const text = toHalfWidth(raw);
  const match = text.match(
    /(?:^|[^\d.])(4\.6|4\.8|5\.6|5\.8|6\.8|8\.8|10\.9|12\.9)(?![\d.])|\b(A[24])(?:-\d+)?\b/i,
  );
  if (match) return match[1] ?? match[2].toUpperCase();
  // Codes write the class without its dot as a last segment: "BLT-M8X30-88", "BLT M8*30/109".
  const coded = text.match(/[-/_](46|48|56|58|68|88|109|129)(?![\d.])/);
  return coded ? `${coded[1].slice(0, -1)}.${coded[1].slice(-1)}` : null;
}

/** A key equal for the same kind and size of part however the systems spell it ("bolt:M8X30"). */
export function itemSpecKey(raw: string | null | undefined): string | null {
  const spec = parseItemSpec(raw);
  return spec.kind && spec.size ? `${spec.kind}:${spec.size}` : null;
}
