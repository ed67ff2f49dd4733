import sanitizeHtml from 'sanitize-html';

/** Raw HTML past this size is cut before sanitising (a mail's HTML rarely passes 200 kB). */
const MAX_RAW_HTML = 2 * 1024 * 1024;

// A CSS value without url(), expression(), image-set() or var() (no remote content, no script), and
// without characters that could end the declaration.
const SAFE_CSS_VALUE = /^(?![\s\S]*(?:url|expression|image-set|image|var|attr|element)\s*\()[^<>\\;{}@]*$/i;
const CSS_PROPERTIES = [
  'color',
  'background-color',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'text-align',
  'text-decoration',
  'text-transform',
  'line-height',
  'letter-spacing',
  'white-space',
  'vertical-align',
  'width',
  'max-width',
  'min-width',
  'height',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-style',
  'border-width',
  'border-radius',
  'border-collapse',
  'border-spacing',
  'list-style-type',
  'direction',
];
const allowedStyles = { '*': Object.fromEntries(CSS_PROPERTIES.map((p) => [p, [SAFE_CSS_VALUE]])) };

const RASTER_DATA_URL = /^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$/i;

/**
 * An HTML mail made safe to show (SPEC §13), by an allow-list (sanitize-html): text, structure,
 * tables, links and images survive; scripts, styles sheets, forms, frames, objects, event handlers
 * and `javascript:` URLs do not; inline CSS keeps a list of properties and never `url()`. Links open
 * in a new tab without a referrer. Inline images (`cid:`) point at the stored attachment through
 * `cidUrl` (or lose their source), relative sources are dropped; `data:` images must be PNG, JPEG, GIF or WebP. Remote images
 * stay as written: the web app loads them only when the agent asks (the API's users decide too).
 */
export function sanitiseMailHtml(html: string, cidUrl: (contentId: string) => string | null): string {
  return sanitizeHtml(html.slice(0, MAX_RAW_HTML), {
    allowedTags: [
      ...['p', 'div', 'span', 'br', 'hr', 'b', 'i', 'u', 's', 'strong', 'em', 'strike', 'sub', 'sup', 'small', 'big', 'font'],
      ...['blockquote', 'pre', 'code', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'center'],
      ...['table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'colgroup', 'col', 'a', 'img', 'abbr', 'address'],
    ],
    allowedAttributes: {
      '*': ['style', 'align', 'dir', 'lang', 'title'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      font: ['color', 'size', 'face'],
      table: ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor'],
      td: ['width', 'colspan', 'rowspan', 'valign', 'bgcolor', 'height'],
      th: ['width', 'colspan', 'rowspan', 'valign', 'bgcolor', 'scope'],
      col: ['width', 'span'],
      ol: ['start', 'type'],
    },
    allowedStyles,
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    allowProtocolRelative: false,
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'xml'],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        const { src, ...rest } = attribs;
        return { tagName, attribs: imageSource(src, cidUrl) ? { ...rest, src: imageSource(src, cidUrl)! } : rest };
      },
    },
  }).trim();
}

function imageSource(src: string | undefined, cidUrl: (contentId: string) => string | null): string | null {
  const s = src?.trim() ?? '';
  if (/^cid:/i.test(s)) return cidUrl(decodeURIComponent(s.slice(4)).replace(/^<|>$/g, ''));
  if (/^data:/i.test(s)) return RASTER_DATA_URL.test(s) ? s : null;
  // A relative source would load from this site with the agent's session: only absolute web addresses stay.
  return /^https?:\/\/[^/]/i.test(s) ? s : null;
}
