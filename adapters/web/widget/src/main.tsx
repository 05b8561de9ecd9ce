/**
 * Entry of widget.js: reads its settings from the embedding <script data-…> tag and mounts the
 * chat into a Shadow DOM host, so the page and the widget cannot restyle each other.
 */
import { render } from 'preact';
import { createClient } from './client.ts';
import { widgetCss } from './styles.ts';
import type { WidgetSettings } from './types.ts';
import { Widget } from './widget.tsx';

function readSettings(script: HTMLScriptElement | null): WidgetSettings {
  const data = script?.dataset ?? {};
  const origin = script?.src ? new URL(script.src, location.href).origin : location.origin;
  const maxChars = Number(data.maxChars);
  return {
    apiUrl: (data.frontdeskUrl ?? origin).replace(/\/$/, ''),
    title: data.title ?? 'Support',
    greeting: data.greeting ?? 'Hi! Ask us anything about orders, returns, billing or your account.',
    color: /^#[0-9a-f]{3,8}$/i.test(data.color ?? '') ? data.color! : '#2f5d50',
    maxChars: Number.isInteger(maxChars) && maxChars > 0 ? maxChars : 8000,
    open: data.open === 'true',
    userId: data.userId ?? null,
    userHash: data.userHash ?? null,
    name: data.name ?? null,
    email: data.email ?? null,
  };
}

function mount() {
  const settings = readSettings(document.currentScript as HTMLScriptElement | null);
  const host = document.createElement('div');
  host.id = 'frontdesk-widget';
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = widgetCss(settings.color);
  shadow.appendChild(style);
  const container = document.createElement('div');
  shadow.appendChild(container);
  const attach = () => {
    document.body.appendChild(host);
    render(<Widget settings={settings} client={createClient(settings.apiUrl)} />, container);
  };
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
}

mount();
