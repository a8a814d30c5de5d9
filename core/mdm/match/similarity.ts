// Scratch flags reused across calls: scoring a million pairs should not allocate a million arrays.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function scratch(lengthA: number, lengthB: number): void {
  if (flagsA.length < lengthA) flagsA = new Uint8Array(lengthA * 2);
  if (flagsB.length < lengthB) flagsB = new Uint8Array(lengthB * 2);
  flagsA.fill(0, 0, lengthA);
  flagsB.fill(0, 0, lengthB);
}

/**
 * What a similarity returns, given `atLeast`, when it can tell early that the true value is below
 * that: the exact value would cost the rest of the comparison and the caller only needed to know.
 */
export const BELOW = -1;

/** Jaro similarity in [0, 1]; with `atLeast` > 0, BELOW as soon as the value cannot reach it. */
export function jaro(a: string, b: string, atLeast = 0): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const lengthA = a.length;
  const lengthB = b.length;
  if (lengthA === 0 || lengthB === 0) return 0;
  // With m matches, Jaro is at most (m / lengthA + m / lengthB + 1) / 3 (no transpositions).
  const reachable = (most: number) => (most / lengthA + most / lengthB + 1) / 3;
  if (atLeast > 0 && reachable(Math.min(lengthA, lengthB)) < atLeast) return BELOW;
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
    // Each character of `a` still to come adds one match at most.
    if (atLeast > 0 && reachable(Math.min(matches + lengthA - i - 1, lengthB)) < atLeast) return BELOW;
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

/**
 * Jaro-Winkler: Jaro boosted by a shared prefix of up to 4 characters. With `atLeast` > 0, BELOW
 * when the value cannot reach it: the boost lifts Jaro j to j + 0.4 (1 - j) at most.
 */
export function jaroWinkler(a: string, b: string, atLeast = 0): number {
  const score = jaro(a, b, atLeast > 0 ? (atLeast - 0.4) / 0.6 : 0);
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
 *
 * With `atLeast` > 0, BELOW as soon as the value cannot reach it: each token still to pair earns
 * 1 at most, so a token whose credit must be higher than its best partner can give ends it. The
 * pairs chosen, and so the value returned otherwise, are those of the full comparison.
 */
export function tokenSimilarity(a: string, b: string, atLeast = 0): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const tokensA = tokensOf(a);
  const tokensB = tokensOf(b);
  if (tokensA.length === 0 || tokensB.length === 0) return 0;
  const short = tokensA.length <= tokensB.length ? tokensA : tokensB;
  const long = short === tokensA ? tokensB : tokensA;
  // A bit per token of the longer side; values with more than 30 tokens compare their first 30.
  const limit = Math.min(long.length, 30);
  const mean = (tokensA.length + tokensB.length) / 2;
  let used = 0;
  let total = 0;
  for (let position = 0; position < short.length; position += 1) {
    const token = short[position]!;
    // The credit this token must earn for the value to reach `atLeast`, the tokens after it earning 1 each.
    const owed = atLeast > 0 ? atLeast * mean - total - (short.length - position - 1) : 0;
    if (owed > 1) return BELOW;
    // The Jaro-Winkler that earns it: a partner below it is of no use, whichever it is.
    const needed = owed > 0 ? TOKEN_FLOOR + owed * (1 - TOKEN_FLOOR) : 0;
    let best = TOKEN_FLOOR;
    let bestIndex = -1;
    for (let index = 0; index < limit; index += 1) {
      if (used & (1 << index)) continue;
      const other = long[index]!;
      if (token !== other) {
        const most = maxJaroWinkler(token.length, other.length);
        if (most <= best || most < needed) continue;
      }
      // BELOW (under `needed`, which is above `best`) is never taken for the best partner.
      const score = token === other ? 1 : jaroWinkler(token, other, needed > best ? needed : 0);
      if (score > best) {
        best = score;
        bestIndex = index;
      }
    }
    if (needed > 0 && (bestIndex < 0 || best < needed)) return BELOW;
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
