/** A form generated from a connector's config JSON Schema; writeOnly (secret) fields are never filled in. */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  writeOnly?: boolean;
  items?: Schema;
};
export type JsonSchema = Schema;
type Value = Record<string, unknown>;

const typeOf = (schema: Schema) =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;

function variantKey(variant: Schema): string | undefined {
  return Object.entries(variant.properties ?? {}).find(([, prop]) => prop.const !== undefined)?.[0];
}

export function SchemaForm({
  schema,
  value,
  onChange,
  setSecrets,
  path = '',
}: {
  schema: Schema;
  value: Value;
  onChange: (next: Value) => void;
  setSecrets: string[];
  path?: string;
}) {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.every((variant) => variant.properties)) {
    const key = variantKey(variants[0]!);
    if (key) {
      const current =
        variants.find((variant) => variant.properties![key]!.const === value[key]) ?? variants[0]!;
      return (
        <fieldset>
          <label>
            {path ? `${path}.${key}` : key}
            <select
              name={`${path}${key}`}
              value={String(current.properties![key]!.const)}
              onChange={(e) => onChange({ [key]: e.target.value })}
            >
              {variants.map((variant) => (
                <option key={String(variant.properties![key]!.const)}>
                  {String(variant.properties![key]!.const)}
                </option>
              ))}
            </select>
          </label>
          <SchemaForm
            schema={{
              ...current,
              properties: Object.fromEntries(
                Object.entries(current.properties!).filter(([name]) => name !== key),
              ),
            }}
            value={value}
            onChange={(next) => onChange({ ...next, [key]: current.properties![key]!.const })}
            setSecrets={setSecrets}
            path={path}
          />
        </fieldset>
      );
    }
  }
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, prop]) => {
        const fieldPath = path ? `${path}.${name}` : name;
        const required = schema.required?.includes(name);
        const set = (next: unknown) => {
          const copy = { ...value };
          if (next === undefined || next === '') delete copy[name];
          else copy[name] = next;
          onChange(copy);
        };
        const label = `${fieldPath}${required ? ' *' : ''}`;
        const type = typeOf(prop);
        if (prop.properties || prop.oneOf || prop.anyOf?.some((variant) => variant.properties)) {
          return (
            <fieldset key={name}>
              <legend>{label}</legend>
              <SchemaForm
                schema={
                  prop.anyOf
                    ? { oneOf: prop.anyOf.filter((variant) => variant.properties), ...prop, anyOf: undefined }
                    : prop
                }
                value={(value[name] as Value) ?? {}}
                onChange={(next) => set(next)}
                setSecrets={setSecrets}
                path={fieldPath}
              />
            </fieldset>
          );
        }
        if (prop.writeOnly) {
          const isSet = setSecrets.includes(fieldPath);
          return (
            <label key={name}>
              {label} 🔒
              <input
                name={fieldPath}
                type="password"
                autoComplete="new-password"
                placeholder={isSet ? '••••••  (set)' : ''}
                value={String(value[name] ?? '')}
                onChange={(e) => set(e.target.value)}
              />
            </label>
          );
        }
        if (prop.enum) {
          return (
            <label key={name}>
              {label}
              <select
                name={fieldPath}
                value={String(value[name] ?? prop.default ?? '')}
                onChange={(e) => set(e.target.value)}
              >
                <option value="" />
                {prop.enum.map((option) => (
                  <option key={String(option)}>{String(option)}</option>
                ))}
              </select>
            </label>
          );
        }
        if (type === 'boolean') {
          return (
            <label key={name} className="inline">
              <input
                name={fieldPath}
                type="checkbox"
                checked={Boolean(value[name] ?? prop.default)}
                onChange={(e) => set(e.target.checked)}
              />{' '}
              {label}
            </label>
          );
        }
        if (type === 'number' || type === 'integer') {
          return (
            <label key={name}>
              {label}
              <input
                name={fieldPath}
                type="number"
                placeholder={prop.default === undefined ? '' : String(prop.default)}
                value={value[name] === undefined ? '' : String(value[name])}
                onChange={(e) => set(e.target.value === '' ? undefined : Number(e.target.value))}
              />
            </label>
          );
        }
        if (type === 'string') {
          return (
            <label key={name}>
              {label}
              <input
                name={fieldPath}
                placeholder={prop.default === undefined ? (prop.description ?? '') : String(prop.default)}
                value={String(value[name] ?? '')}
                onChange={(e) => set(e.target.value)}
              />
            </label>
          );
        }
        return (
          <label key={name}>
            {label} (JSON)
            <textarea
              name={fieldPath}
              rows={3}
              defaultValue={value[name] === undefined ? '' : JSON.stringify(value[name], null, 2)}
              onBlur={(e) => set(e.target.value.trim() ? JSON.parse(e.target.value) : undefined)}
            />
          </label>
        );
      })}
    </>
  );
}
