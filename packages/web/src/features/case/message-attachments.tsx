import type { Attachment } from '../../api/types';

// Raster images the server shows in place; anything else (SVG included) is only downloaded.
const THUMBNAIL_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Files that came with a message: a download link each, a thumbnail for images. */
export function MessageAttachments({ attachments }: { attachments: Attachment[] | undefined }) {
  if (!attachments?.length) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {attachments.map((file) => {
        const name = file.filename || 'Unnamed file';
        const thumbnail = file.url && THUMBNAIL_TYPES.has(file.contentType.toLowerCase());
        return (
          <li key={file.id} className={`attachment${file.url ? '' : ' attachment-missing'}`}>
            {thumbnail ? (
              <ThumbnailLink url={file.url!} name={name} />
            ) : (
              <span className="attachment-icon" aria-hidden="true">
                <FileIcon />
              </span>
            )}
            <span className="attachment-info">
              {file.url ? (
                <a className="attachment-name" href={file.url} download={name} aria-label={`Download ${name}`}>
                  {name}
                </a>
              ) : (
                <span className="attachment-name">{name}</span>
              )}
              <span className="attachment-meta">
                {formatSize(file.size)}
                {file.url ? '' : ' · not kept: over the size limit'}
              </span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** The image again, as a link for the mouse: the named download link beside it is the one keyboards and screen readers use. */
function ThumbnailLink({ url, name }: { url: string; name: string }) {
  // biome-ignore-start lint/a11y/useAnchorContent: repeats the named link beside it; kept out of the tab order and the accessibility tree
  return (
    <a className="attachment-thumb" href={url} download={name} tabIndex={-1} aria-hidden="true">
      <img src={`${url}?disposition=inline`} alt="" loading="lazy" />
    </a>
  );
  // biome-ignore-end lint/a11y/useAnchorContent: see above
}

/** 208 bytes, 14 KB, 2.3 MB. */
function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function FileIcon() {
  return (
    <svg
      viewBox="0 0 20 20"
      width="20"
      height="20"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinejoin="round"
    >
      <path d="M5 2.5h6.5L15.5 6.5v11H5z" />
      <path d="M11.5 2.5v4h4" />
    </svg>
  );
}
