import { useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../../components/button';

/** Remote images are asked for per message; the answer lasts while the app is open. */
const allowedMessages = new Set<string>();

const REMOTE = /^(https?:)?\/\//i;

/**
 * Prepares a message's sanitised HTML (the server's allow-list already removed scripts and
 * handlers) for its frame: remote images lose their address until the agent allows them, so
 * opening a mail tells its sender nothing. Parsing with DOMParser loads and runs nothing.
 */
function prepare(html: string, allowRemote: boolean): { doc: string; blocked: number } {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  let blocked = 0;
  for (const img of Array.from(parsed.images)) {
    const src = img.getAttribute('src') ?? '';
    if (!REMOTE.test(src) || allowRemote) continue;
    img.removeAttribute('src');
    img.setAttribute('data-blocked', '');
    img.setAttribute('alt', img.getAttribute('alt') || 'Remote image');
    blocked++;
  }
  // A second lock: the frame's own policy loads remote images only once allowed, and nothing else remote.
  const images = allowRemote ? "'self' data: https: http:" : "'self' data:";
  const policy = `default-src 'none'; img-src ${images}; style-src 'unsafe-inline'`;
  const doc = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${policy}"><base target="_blank"><style>${FRAME_STYLE}</style></head><body>${parsed.body.innerHTML}</body></html>`;
  return { doc, blocked };
}

const FRAME_STYLE = `html{color-scheme:light}body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;overflow-wrap:anywhere}
img{max-width:100%;height:auto}img[data-blocked]{display:inline-block;min-width:48px;min-height:24px;padding:4px 8px;border:1px dashed #9aa5b1;border-radius:4px;color:#52606d;font-size:12px}
table{max-width:100%}blockquote{margin:0 0 0 .5em;padding-left:.75em;border-left:3px solid #cbd2d9;color:#52606d}pre{white-space:pre-wrap}a{color:#1d4ed8}`;

/**
 * An HTML mail shown in a sandboxed frame (no scripts, no same-page access for its content; links
 * open in a new tab). Remote images are blocked until the agent allows them for this message.
 */
export function MailHtml({ messageId, html, label }: { messageId: string; html: string; label: string }) {
  const [allowed, setAllowed] = useState(allowedMessages.has(messageId));
  const { doc, blocked } = useMemo(() => prepare(html, allowed), [html, allowed]);
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(40);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new document loads into the frame; measure it again
  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    let observer: ResizeObserver | null = null;
    const fit = () => {
      const body = el.contentDocument?.body;
      if (!body) return;
      setHeight(Math.min(4000, Math.ceil(el.contentDocument!.documentElement.scrollHeight)));
      observer?.disconnect();
      observer = new ResizeObserver(() => setHeight(Math.min(4000, Math.ceil(el.contentDocument?.documentElement.scrollHeight ?? 40))));
      observer.observe(body);
    };
    el.addEventListener('load', fit);
    fit();
    return () => {
      el.removeEventListener('load', fit);
      observer?.disconnect();
    };
  }, [doc]);

  return (
    <div className="mail-html">
      {blocked > 0 ? (
        <div className="mail-html-notice" role="note">
          <span>
            {blocked === 1 ? '1 remote image is' : `${blocked} remote images are`} blocked, so the sender cannot tell you opened this.
          </span>
          <Button
            size="sm"
            onClick={() => {
              allowedMessages.add(messageId);
              setAllowed(true);
            }}
          >
            Show images
          </Button>
        </div>
      ) : null}
      <iframe
        ref={frame}
        title={label}
        className="mail-html-frame"
        sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
        srcDoc={doc}
        style={{ height }}
        referrerPolicy="no-referrer"
      />
    </div>
  );
}
