/** The signed-in user's "available" switch: whether round-robin hands them conversations. */
import { useState } from 'preact/hooks';
import { api } from './api.ts';

export function AvailabilityToggle({ initial }: { initial: boolean }) {
  const [available, setAvailable] = useState(initial);
  const [busy, setBusy] = useState(false);
  const change = async (next: boolean) => {
    setBusy(true);
    try {
      const { user } = await api<{ user: { available: boolean } }>('PUT', '/v1/me/availability', { available: next });
      setAvailable(user.available);
    } finally {
      setBusy(false);
    }
  };
  return (
    <label class="availability">
      <input type="checkbox" checked={available} disabled={busy} onChange={(e) => void change(e.currentTarget.checked)} /> Available
    </label>
  );
}
