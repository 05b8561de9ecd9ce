/** A staff reply with files, as the console sends it: multipart to POST /v1/conversations/:id/replies. */
import type { Hono } from 'hono';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export async function postStaffReply(
  app: Pick<Hono, 'request'>,
  token: string,
  conversationId: string,
  text: string,
  files: File[],
  extra: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const form = new FormData();
  form.set('text', text);
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  for (const file of files) form.append('files', file);
  const res = await app.request(`/v1/conversations/${conversationId}/replies`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as Json };
}
