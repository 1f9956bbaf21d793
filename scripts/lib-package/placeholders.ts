/** Teams Toolkit placeholders: `${{NAME}}` (whitespace inside the braces allowed). */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of every placeholder in a string or in every string inside a JSON value (sorted, unique). */
export function placeholdersIn(value: unknown): string[] {
  const names = new Set<string>();
  walkStrings(value, (s) => {
    for (const m of s.matchAll(PLACEHOLDER)) names.add(m[1]);
    return s;
  });
  return [...names].sort();
}

export interface FillResult<T> {
  value: T;
  /** Placeholders with no value or an empty value. */
  missing: string[];
}

/**
 * Replace placeholders in every string of a JSON value (keys are left alone). Works on parsed JSON,
 * so a value containing quotes or backslashes cannot break the document.
 */
export function fillPlaceholders<T>(
  value: T,
  vars: Record<string, string | undefined>,
  /** Names that may be empty (e.g. APP_NAME_SUFFIX in production); any other empty value is missing. */
  allowEmpty: ReadonlySet<string> = new Set(),
): FillResult<T> {
  const missing = new Set<string>();
  const filled = walkStrings(value, (s) =>
    s.replace(PLACEHOLDER, (whole, name: string) => {
      const v = vars[name];
      if (v === undefined || (v === '' && !allowEmpty.has(name))) {
        missing.add(name);
        return whole;
      }
      return v;
    }),
  ) as T;
  return { value: filled, missing: [...missing].sort() };
}

function walkStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => walkStrings(v, fn));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walkStrings(v, fn)]));
  }
  return value;
}
