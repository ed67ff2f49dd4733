import { useEffect, useRef, useState } from 'react';
import { Button } from '../../components/button';

type ReplyFile = {
  key: string;
  file: File;
  /** 0–1 while uploading. */
  progress: number;
  /** The upload's id once stored. */
  id: string | null;
  error: string | null;
  preview: string | null;
  xhr: XMLHttpRequest | null;
};

const PREVIEW_TYPES = /^image\/(png|jpeg|gif|webp)$/;
let nextKey = 0;

/**
 * Files attached to the reply box: each uploaded at once (POST /api/v1/uploads, streamed by the
 * server) with its progress, an image previewed from the file itself, removable before sending.
 * Until the message is sent an upload is visible to its uploader only.
 */
export function useReplyFiles() {
  const [files, setFiles] = useState<ReplyFile[]>([]);
  const current = useRef(files);
  current.current = files;
  const update = (key: string, change: Partial<ReplyFile>) =>
    setFiles((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));

  useEffect(
    () => () => {
      for (const f of current.current) {
        f.xhr?.abort();
        if (f.preview) URL.revokeObjectURL(f.preview);
      }
    },
    [],
  );

  function add(list: FileList | File[]) {
    for (const file of Array.from(list)) {
      const key = `f${++nextKey}`;
      const xhr = new XMLHttpRequest();
      const entry: ReplyFile = {
        key,
        file,
        progress: 0,
        id: null,
        error: null,
        preview: PREVIEW_TYPES.test(file.type) ? URL.createObjectURL(file) : null,
        xhr,
      };
      setFiles((all) => [...all, entry]);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) update(key, { progress: event.loaded / event.total });
      };
      xhr.onload = () => {
        if (xhr.status === 201) {
          const answer = JSON.parse(xhr.responseText) as { id: string };
          update(key, { id: answer.id, progress: 1, xhr: null });
        } else {
          let detail = `Upload failed (${xhr.status}).`;
          try {
            detail = (JSON.parse(xhr.responseText) as { detail?: string }).detail ?? detail;
          } catch {
            /* not JSON */
          }
          update(key, { error: detail, xhr: null });
        }
      };
      xhr.onerror = () => update(key, { error: 'The upload was interrupted.', xhr: null });
      xhr.open('POST', '/api/v1/uploads');
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    }
  }

  function remove(key: string) {
    const f = current.current.find((x) => x.key === key);
    f?.xhr?.abort();
    if (f?.preview) URL.revokeObjectURL(f.preview);
    setFiles((list) => list.filter((x) => x.key !== key));
  }

  function clear() {
    for (const f of current.current) if (f.preview) URL.revokeObjectURL(f.preview);
    setFiles([]);
  }

  return {
    files,
    add,
    remove,
    clear,
    ids: files.filter((f) => f.id).map((f) => f.id!),
    uploading: files.some((f) => f.xhr !== null),
    failed: files.some((f) => f.error !== null),
  };
}

/** The reply box's files: name, size, an upload bar or the preview, and a remove button each. */
export function ReplyFiles({ files, onRemove }: { files: ReplyFile[]; onRemove: (key: string) => void }) {
  if (files.length === 0) return null;
  return (
    <ul className="reply-files" aria-label="Files to send">
      {files.map((f) => (
        <li key={f.key} className="reply-file">
          {f.preview ? <img src={f.preview} alt="" /> : null}
          <span className="reply-file-info">
            <span className="reply-file-name" title={f.file.name}>
              {f.file.name}
            </span>
            {f.error ? (
              <span className="reply-file-error">{f.error}</span>
            ) : f.id ? (
              <span className="muted">{formatSize(f.file.size)}</span>
            ) : (
              <progress max={1} value={f.progress} aria-label={`Uploading ${f.file.name}`} />
            )}
          </span>
          <Button size="sm" variant="ghost" onClick={() => onRemove(f.key)} aria-label={`Remove ${f.file.name}`}>
            ×
          </Button>
        </li>
      ))}
    </ul>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
