/**
 * CSV for spreadsheet exports (RFC 4180): fields with a comma, quote or line break are quoted,
 * quotes doubled, rows end in CRLF. Text a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR first) gets a leading apostrophe, so a customer's text cannot become a formula in the
 * exporter's spreadsheet (OWASP "CSV Injection"); numbers and booleans are written by Frontdesk
 * itself and stay as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field; objects are written as JSON. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row, CRLF-terminated. */
export const csvRow = (values: readonly unknown[]) => `${values.map(csvField).join(',')}\r\n`;
