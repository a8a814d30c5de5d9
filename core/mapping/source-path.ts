/**
 * Source paths: `Account.Name`, `Lines[0].Sku`, `Lines.0.Sku`, `["Account Name"].City`. Parsed
 * once at compile time into segments; reading a record is then a few property lookups.
 */
export type PathSegment = string | number;

const segmentPattern = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g;

export function parseSourcePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let consumed = 0;
  for (const match of path.matchAll(segmentPattern)) {
    const between = path.slice(consumed, match.index);
    if (between !== '' && !(between === '.' && consumed > 0))
      throw new Error(`unexpected "${between}" in path "${path}"`);
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[2] !== undefined) segments.push(match[2].replace(/\\(.)/g, '$1'));
    else segments.push(/^\d+$/.test(match[3]) ? Number(match[3]) : match[3]);
    consumed = match.index + match[0].length;
  }
  if (consumed !== path.length || segments.length === 0)
    throw new Error(`"${path}" is not a valid source path`);
  return segments;
}

export type PathGetter = (record: unknown) => unknown;

function step(value: unknown, key: PathSegment): unknown {
  return value !== null && typeof value === 'object'
    ? (value as Record<PathSegment, unknown>)[key]
    : undefined;
}

/** Specialised closures for the usual short paths; the loop handles the rest. */
export function compileSourcePath(path: string): PathGetter {
  const segments = parseSourcePath(path);
  const [a, b, c] = segments;
  if (segments.length === 1) return (record) => step(record, a);
  if (segments.length === 2) return (record) => step(step(record, a), b);
  if (segments.length === 3) return (record) => step(step(step(record, a), b), c);
  return (record) => {
    let value = record;
    for (const segment of segments) value = step(value, segment);
    return value;
  };
}

/** Writes `value` at a dotted target path, creating plain objects on the way. */
export function compileTargetSetter(path: string): (target: Record<string, unknown>, value: unknown) => void {
  const keys = path.split('.');
  const last = keys[keys.length - 1];
  if (keys.length === 1) {
    return (target, value) => {
      target[last] = value;
    };
  }
  const parents = keys.slice(0, -1);
  return (target, value) => {
    let node = target;
    for (const key of parents) {
      const next = node[key];
      if (next !== null && typeof next === 'object') node = next as Record<string, unknown>;
      else {
        const created: Record<string, unknown> = {};
        node[key] = created;
        node = created;
      }
    }
    node[last] = value;
  };
}
