/**
 * CSV for spreadsheet exports (RFC 4180): fields with a comma, quote or line break are quoted,
 * quotes doubled, rows end in CRLF. A field a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR first) gets a leading apostrophe, so a customer's text cannot become a formula in the
 * exporter's spreadsheet (OWASP "CSV injection").
 */
const FORMULA = /^[=+\-@\t\r]/;

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
