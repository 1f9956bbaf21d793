/**
 * Azure Table keys forbid `/ \ # ?` and control characters. Escape them (and `%`, our escape character)
 * so any id (Teams conversation ids contain `:` `@` `;` and sometimes `/`) round-trips.
 */
export function escapeKey(value: string): string {
  return value.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

export function unescapeKey(value: string): string {
  return value.replace(/%([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Quote a value for an OData filter literal (single quotes doubled). Use `odata` from @azure/data-tables where possible. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
