/**
 * Files staff attached to a reply. The download route needs the visitor token, which a plain link
 * cannot send, so each file is fetched with it in a header and offered as a local (blob:) URL:
 * images show as thumbnails at once, other files are fetched when clicked and saved as downloads.
 */
import { useEffect, useState } from 'preact/hooks';
import type { WidgetClient } from './client.ts';
import type { WidgetAttachment } from './types.ts';

/** Image types the server serves inline (the widget never renders another type itself). */
const THUMBNAIL_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

function sizeLabel(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1_000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Saves a blob under the file's name through a short-lived link. */
function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Thumbnail({ file, token, client }: { file: WidgetAttachment; token: string; client: WidgetClient }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    let cancelled = false;
    client.file(file.url, token).then(
      (blob) => {
        if (cancelled) return;
        url = URL.createObjectURL(blob);
        setSrc(url);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [file.url, token, client]);
  return (
    <a class="fd-file fd-image" href={src ?? undefined} download={file.filename} aria-label={`Download ${file.filename}, ${sizeLabel(file.size)}`}>
      {src ? <img src={src} alt={file.filename} /> : <span>{file.filename}</span>}
    </a>
  );
}

function Download({ file, token, client }: { file: WidgetAttachment; token: string; client: WidgetClient }) {
  const [failed, setFailed] = useState(false);
  const open = () => client.file(file.url, token).then((blob) => saveBlob(blob, file.filename), () => setFailed(true));
  return (
    <button type="button" class="fd-file" onClick={open}>
      {file.filename} <span class="fd-size">· {failed ? 'could not be opened' : sizeLabel(file.size)}</span>
    </button>
  );
}

export function Attachments({ files, token, client }: { files: WidgetAttachment[]; token: string; client: WidgetClient }) {
  return (
    <ul class="fd-files" aria-label="Attached files">
      {files.map((file) => (
        <li key={file.id}>
          {THUMBNAIL_TYPES.includes(file.contentType) ? <Thumbnail file={file} token={token} client={client} /> : <Download file={file} token={token} client={client} />}
        </li>
      ))}
    </ul>
  );
}
