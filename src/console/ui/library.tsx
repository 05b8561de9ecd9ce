/** The team's canned replies (any staff member keeps them) and labels (admins keep the set). */
import { useEffect, useState } from 'preact/hooks';
import { PLACEHOLDERS } from '../../core/canned-replies.ts';
import type { CannedReply, Label } from '../../core/types.ts';
import { api } from './api.ts';
import { LabelChip } from './inbox.tsx';
import type { Me } from './main.tsx';

export function Library({ me }: { me: Me }) {
  const [replies, setReplies] = useState<CannedReply[] | null>(null);
  const [labels, setLabels] = useState<Label[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState({ shortcut: '', title: '', body: '' });
  const [label, setLabel] = useState({ name: '', color: '#0969da' });

  const load = () =>
    Promise.all([api<{ cannedReplies: CannedReply[] }>('GET', '/v1/canned-replies'), api<{ labels: Label[] }>('GET', '/v1/labels')])
      .then(([r, l]) => {
        setReplies(r.cannedReplies);
        setLabels(l.labels);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), []);
  const run = (work: () => Promise<unknown>) => async (event?: Event) => {
    event?.preventDefault();
    setError(null);
    try {
      await work();
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const field = <T,>(state: T, set: (v: T) => void, key: keyof T) => (e: Event) => set({ ...state, [key]: (e.currentTarget as HTMLInputElement).value });

  return (
    <section aria-labelledby="library-title" class="library">
      <h1 id="library-title">Canned replies and labels</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h2>Canned replies</h2>
      <p class="hint">
        Type <kbd>/</kbd> and the shortcut in a reply box to insert one. Placeholders:{' '}
        {Object.entries(PLACEHOLDERS).map(([key, what], i) => (
          <span key={key}>
            {i > 0 && ', '}
            <code>{`{{${key}}}`}</code> ({what})
          </span>
        ))}
        .
      </p>
      <form
        class="canned-form"
        onSubmit={run(async () => {
          await api('POST', '/v1/canned-replies', draft);
          setDraft({ shortcut: '', title: '', body: '' });
        })}
      >
        <label>
          Shortcut
          <input required value={draft.shortcut} onInput={field(draft, setDraft, 'shortcut')} placeholder="shipping" size={12} />
        </label>
        <label>
          Title
          <input required value={draft.title} onInput={field(draft, setDraft, 'title')} placeholder="Shipping times" />
        </label>
        <label class="wide">
          Text
          <textarea required rows={3} value={draft.body} onInput={field(draft, setDraft, 'body')} placeholder="Hi {{contact.name}}, …" />
        </label>
        <button type="submit" class="primary">
          Add canned reply
        </button>
      </form>
      {replies === null ? (
        <p>Loading…</p>
      ) : replies.length === 0 ? (
        <p>No canned replies yet.</p>
      ) : (
        <ul class="plain canned-replies">
          {replies.map((r) => (
            <li key={r.id}>
              <div class="row-between">
                <span>
                  <strong>/{r.shortcut}</strong> {r.title}
                </span>
                <button type="button" class="danger" onClick={run(() => api('DELETE', `/v1/canned-replies/${encodeURIComponent(r.id)}`))}>
                  Delete
                </button>
              </div>
              <p class="canned-body">{r.body}</p>
            </li>
          ))}
        </ul>
      )}
      <h2>Labels</h2>
      <p class="labels">
        {labels.length === 0 ? 'No labels yet.' : labels.map((l) => <LabelChip key={l.id} label={l} onRemove={me.role === 'admin' ? run(() => api('DELETE', `/v1/labels/${encodeURIComponent(l.id)}`)) : undefined} />)}
      </p>
      {me.role === 'admin' ? (
        <form class="canned-form" onSubmit={run(async () => {
          await api('POST', '/v1/labels', label);
          setLabel({ ...label, name: '' });
        })}>
          <label>
            Label
            <input required value={label.name} onInput={field(label, setLabel, 'name')} placeholder="vip" size={14} />
          </label>
          <label>
            Colour
            <input type="color" value={label.color} onInput={field(label, setLabel, 'color')} />
          </label>
          <button type="submit">Add label</button>
        </form>
      ) : (
        <p class="hint">Only an admin can add or delete labels; everyone can put them on conversations.</p>
      )}
    </section>
  );
}
