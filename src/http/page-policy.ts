/**
 * The Content-Security-Policy of Frontdesk's own pages (console, API reference): scripts, styles,
 * fonts and requests from our origin only, no plugins, no framing by other sites. Pages differ
 * only in where images may come from.
 */
export function selfOnlyPagePolicy(imageSources: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${imageSources}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
