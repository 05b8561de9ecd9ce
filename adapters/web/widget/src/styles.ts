/** The widget's CSS, scoped by its Shadow DOM so the host page's styles neither leak in nor out. */
export function widgetCss(color: string): string {
  return `
:host { all: initial; }
.fd-root { --fd-accent: ${color}; position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
.fd-root *, .fd-root *::before, .fd-root *::after { box-sizing: border-box; }
.fd-launcher { display: block; margin-left: auto; width: 56px; height: 56px; border-radius: 50%; border: 0; cursor: pointer;
  background: var(--fd-accent); color: #fff; font-size: 24px; box-shadow: 0 4px 16px rgba(0,0,0,.25); }
.fd-launcher:focus-visible, .fd-root button:focus-visible, .fd-root textarea:focus-visible, .fd-log:focus-visible,
.fd-stars input:focus-visible + span { outline: 3px solid #0969da; outline-offset: 2px; }
.fd-panel { display: flex; flex-direction: column; width: min(380px, calc(100vw - 24px)); height: min(600px, calc(100vh - 110px));
  margin-bottom: 12px; background: #fff; border-radius: 14px; box-shadow: 0 8px 32px rgba(0,0,0,.25); overflow: hidden; }
.fd-header { display: flex; justify-content: space-between; align-items: flex-start; padding: 14px 16px; background: var(--fd-accent); color: #fff; }
.fd-header h2 { margin: 0; font-size: 17px; }
.fd-sub { margin: 2px 0 0; font-size: 13px; opacity: .9; }
.fd-icon { background: none; border: 0; color: inherit; font-size: 26px; line-height: 1; cursor: pointer; padding: 0 4px; }
.fd-log { flex: 1; overflow-y: auto; padding: 12px 14px; background: #f6f8fa; }
.fd-row { display: flex; flex-direction: column; margin: 6px 0; }
.fd-mine { align-items: flex-end; }
.fd-theirs { align-items: flex-start; }
.fd-author { font-size: 12px; color: #57606a; margin: 0 4px 2px; }
.fd-msg { margin: 0; max-width: 85%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.fd-in { background: var(--fd-accent); color: #fff; border-bottom-right-radius: 4px; }
.fd-out { background: #fff; border: 1px solid #d0d7de; border-bottom-left-radius: 4px; }
.fd-greeting { margin-bottom: 6px; }
.fd-md { white-space: normal; }
.fd-md > :first-child { margin-top: 0; } .fd-md > :last-child { margin-bottom: 0; }
.fd-md p, .fd-md ul, .fd-md ol, .fd-md pre, .fd-md blockquote { margin: 0 0 8px; }
.fd-md ul, .fd-md ol { padding-left: 20px; } .fd-md li { margin: 2px 0; }
.fd-md h1, .fd-md h2, .fd-md h3, .fd-md h4 { font-size: 15px; margin: 0 0 6px; }
.fd-md a { color: #0969da; }
.fd-md code { font: 13px ui-monospace, Menlo, Consolas, monospace; background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
.fd-md pre { overflow-x: auto; background: #f6f8fa; padding: 6px 8px; border-radius: 6px; }
.fd-md blockquote { padding-left: 10px; border-left: 3px solid #d0d7de; color: #57606a; }
.fd-md .md-table { max-width: 100%; overflow-x: auto; margin: 0 0 8px; }
.fd-md table { border-collapse: collapse; font-size: 13px; width: max-content; max-width: max(100%, 30em); }
.fd-md th, .fd-md td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: normal; }
.fd-md th { background: #f6f8fa; font-weight: 600; white-space: nowrap; }
.fd-files { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-direction: column; gap: 4px; max-width: 85%; }
.fd-file { display: inline-block; font: inherit; font-size: 14px; text-align: left; color: #0969da; background: #fff; border: 1px solid #d0d7de;
  border-radius: 8px; padding: 6px 10px; cursor: pointer; text-decoration: underline; overflow-wrap: anywhere; }
.fd-file:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.fd-image { padding: 2px; }
.fd-image img { display: block; max-width: 220px; max-height: 160px; border-radius: 6px; }
.fd-size { color: #57606a; text-decoration: none; }
.fd-typing { margin: 6px 4px; font-size: 13px; color: #57606a; font-style: italic; }
.fd-error { margin: 0; padding: 8px 14px; background: #ffebe9; color: #82071e; font-size: 14px; border-top: 1px solid #ff8182; }
.fd-compose, .fd-csat, .fd-done { padding: 10px 12px; border-top: 1px solid #d0d7de; background: #fff; }
.fd-compose textarea, .fd-csat textarea { width: 100%; resize: none; font: inherit; padding: 8px 10px; border: 1px solid #d0d7de; border-radius: 8px; }
.fd-actions { display: flex; justify-content: space-between; gap: 8px; margin-top: 8px; }
.fd-primary, .fd-secondary { font: inherit; font-size: 14px; padding: 7px 14px; border-radius: 8px; cursor: pointer; }
.fd-primary { background: var(--fd-accent); color: #fff; border: 1px solid var(--fd-accent); margin-left: auto; }
.fd-secondary { background: #fff; color: #1f2328; border: 1px solid #d0d7de; }
.fd-primary:disabled, .fd-secondary:disabled { opacity: .55; cursor: default; }
.fd-csat fieldset { border: 0; padding: 0; margin: 0 0 6px; }
.fd-csat legend { font-weight: 600; margin-bottom: 4px; }
.fd-stars { display: flex; gap: 4px; }
.fd-stars label { cursor: pointer; font-size: 26px; color: #d0d7de; position: relative; }
.fd-stars label.fd-on { color: #d4a72c; }
.fd-stars input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.fd-csat .fd-primary { margin-top: 8px; display: block; }
.fd-done p { margin: 0 0 8px; }
.fd-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  .fd-root { right: 8px; bottom: 8px; left: 8px; }
  .fd-panel { width: 100%; height: calc(100vh - 90px); }
}
`;
}
