// Scratch flags reused across calls: scoring a million pairs should not allocate a million arrays.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function scratch(lengthA: number, lengthB: number): void {
  if (flagsA.length < lengthA) flagsA = new Uint8Array(lengthA * 2);
  if (flagsB.length < lengthB) flagsB = new Uint8Array(lengthB * 2);
  flagsA.fill(0, 0, lengthA);
  flagsB.fill(0, 0, lengthB);
}

/** Jaro similarity in [0, 1]. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const lengthA = a.length;
  const lengthB = b.length;
  if (lengthA === 0 || lengthB === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(lengthA, lengthB) / 2) - 1);
  scratch(lengthA, lengthB);
  const matchedA = flagsA;
  const matchedB = flagsB;
  let matches = 0;
  for (let i = 0; i < lengthA; i += 1) {
    const start = Math.max(0, i - window);
    const end = Math.min(lengthB, i + window + 1);
    for (let j = start; j < end; j += 1) {
      if (matchedB[j] || a.charCodeAt(i) !== b.charCodeAt(j)) continue;
      matchedA[i] = 1;
      matchedB[j] = 1;
      matches += 1;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < lengthA; i += 1) {
    if (!matchedA[i]) continue;
    while (!matchedB[k]) k += 1;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions += 1;
    k += 1;
  }
  return (matches / lengthA + matches / lengthB + (matches - transpositions / 2) / matches) / 3;
}

/** Jaro-Winkler: Jaro boosted by a shared prefix of up to 4 characters. */
export function jaroWinkler(a: string, b: string): number {
  const score = jaro(a, b);
  if (score < 0.7) return score;
  let prefix = 0;
  const limit = Math.min(4, a.length, b.length);
  while (prefix < limit && a[prefix] === b[prefix]) prefix += 1;
  return score + prefix * 0.1 * (1 - score);
}

const tokenCache = new Map<string, string[]>();

/** Splits on spaces, remembering the result: one record's value is compared with many others. */
function tokensOf(text: string): string[] {
  let tokens = tokenCache.get(text);
  if (!tokens) {
    tokens = text.split(' ').filter(Boolean);
    if (tokenCache.size >= 200_000) tokenCache.clear();
    tokenCache.set(text, tokens);
  }
  return tokens;
}

/** The highest Jaro-Winkler two strings of these lengths can reach: all of the shorter matching. */
function maxJaroWinkler(lengthA: number, lengthB: number): number {
  const shorter = Math.min(lengthA, lengthB);
  const upper = (shorter / lengthA + shorter / lengthB + 1) / 3;
  return upper + 0.4 * (1 - upper);
}

/** Below this Jaro-Winkler two tokens are different words; above it, credit rises to 1. */
const TOKEN_FLOOR = 0.85;

/**
 * Token similarity: each token of the shorter side is paired with its most similar token on the
 * other side; the credit is 1 for equal tokens and falls steeply with Jaro-Winkler (a typo such
 * as "logistiics" keeps most, a different brand such as "hengfu"/"hengyu" about half). The sum
 * is divided by the mean token count: word order costs nothing, a missing word its share.
 */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const tokensA = tokensOf(a);
  const tokensB = tokensOf(b);
  if (tokensA.length === 0 || tokensB.length === 0) return 0;
  const short = tokensA.length <= tokensB.length ? tokensA : tokensB;
  const long = short === tokensA ? tokensB : tokensA;
  // A bit per token of the longer side; values with more than 30 tokens compare their first 30.
  const limit = Math.min(long.length, 30);
  let used = 0;
  let total = 0;
  for (const token of short) {
    let best = TOKEN_FLOOR;
    let bestIndex = -1;
    for (let index = 0; index < limit; index += 1) {
      if (used & (1 << index)) continue;
      const other = long[index];
      if (token !== other && maxJaroWinkler(token.length, other.length) <= best) continue;
      const score = token === other ? 1 : jaroWinkler(token, other);
      if (score > best) {
        best = score;
        bestIndex = index;
      }
    }
    if (bestIndex >= 0) {
      used |= 1 << bestIndex;
      total += (best - TOKEN_FLOOR) / (1 - TOKEN_FLOOR);
    }
  }
  return total / ((tokensA.length + tokensB.length) / 2);
}

let editRow = new Int32Array(64);

/** Levenshtein distance with a single reusable row. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (editRow.length < b.length + 1) editRow = new Int32Array((b.length + 1) * 2);
  const row = editRow;
  for (let j = 0; j <= b.length; j += 1) row[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** 1 - distance / longer length: suits codes and numbers where one typo should cost one character. */
export function editSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 0 : 1 - levenshtein(a, b) / longer;
}

const SOUNDEX_CODES: Readonly<Record<string, string>> = {
  b: '1',
  f: '1',
  p: '1',
  v: '1',
  c: '2',
  g: '2',
  j: '2',
  k: '2',
  q: '2',
  s: '2',
  x: '2',
  z: '2',
  d: '3',
  t: '3',
  l: '4',
  m: '5',
  n: '5',
  r: '6',
};

/** American Soundex of the letters a-z in the text ("robert" and "rupert" -> "r163"). */
export function soundex(text: string): string {
  const letters = text.toLowerCase().replace(/[^a-z]/g, '');
  if (!letters) return '';
  let code = letters[0];
  let previous = SOUNDEX_CODES[letters[0]] ?? '';
  for (let index = 1; index < letters.length && code.length < 4; index += 1) {
    const letter = letters[index];
    const digit = SOUNDEX_CODES[letter] ?? '';
    if (digit && digit !== previous) code += digit;
    // h and w do not separate two equal codes; vowels do.
    if (letter !== 'h' && letter !== 'w') previous = digit;
  }
  return code.padEnd(4, '0');
}
