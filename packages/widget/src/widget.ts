// The Web Connect chat widget: one script tag on any site adds a "Chat with us" button.
// Vanilla DOM, no framework, styles isolated in a Shadow DOM. The chat itself (start, send, live
// replies, typing, pictures, end, rate) is @casework/sdk's client. Built into one script by ../build.mjs.
import { type Chat, type ChatCredentials, type ChatMessage, type ChatState, createClient, CaseworkError } from '@casework/sdk';

/** The pictures a customer may send (the server sniffs the bytes and refuses anything else). */
const PICTURE_TYPES = 'image/png,image/jpeg,image/gif,image/webp';
import { WIDGET_CSS } from './widget-css.ts';

type ChannelInfo = { title: string; greeting: string | null; color: string | null };

const script = (document.currentScript ?? document.querySelector('script[data-channel][src*="widget.js"]')) as HTMLScriptElement | null;
const key = script?.dataset.channel ?? '';
const base = script ? new URL(script.src, location.href).origin : location.origin;
const storeKey = `casework-chat:${key}`;
const client = createClient({ baseUrl: base, channelKey: key });

const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...kids);
  return el;
};

function mount(info: ChannelInfo): void {
  const host = h('div', { id: 'casework-chat' });
  const root = host.attachShadow({ mode: 'open' });
  root.append(h('style', {}, WIDGET_CSS.replace(/#2563eb/g, info.color ?? '#2563eb')));
  const toggle = h('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false' }, 'Chat with us');
  const body = h('div', { class: 'body' });
  const close = h('button', { class: 'x', type: 'button', 'aria-label': 'Close chat window' }, '×');
  const panel = h(
    'section',
    { class: 'panel', role: 'dialog', 'aria-label': info.title, hidden: '' },
    h('div', { class: 'head' }, h('strong', {}, info.title), close),
    body,
  );
  root.append(panel, toggle);
  document.body.append(host);
  const show = (open: boolean) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => show(Boolean(panel.hidden)));
  close.addEventListener('click', () => show(false));
  const saved = readSaved();
  if (saved) {
    show(true);
    void resume(body, saved, info);
  } else startForm(body, info);
}

function readSaved(): ChatCredentials | null {
  try {
    return JSON.parse(sessionStorage.getItem(storeKey) ?? 'null') as ChatCredentials | null;
  } catch {
    return null;
  }
}

/** Picks up the chat saved in this tab; one the server no longer knows gives way to a new one. */
async function resume(body: HTMLElement, saved: ChatCredentials, info: ChannelInfo): Promise<void> {
  try {
    chat(body, await client.resumeChat(saved), info);
  } catch (err) {
    if (err instanceof CaseworkError && (err.status === 401 || err.status === 404)) sessionStorage.removeItem(storeKey);
    startForm(body, info);
  }
}

function startForm(body: HTMLElement, info: ChannelInfo): void {
  const name = h('input', { name: 'name', autocomplete: 'name', required: '', maxlength: '200' });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: '', maxlength: '320' });
  const message = h('textarea', { name: 'message', required: '', rows: '3', maxlength: '10000' });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Start chat');
  const form = h(
    'form',
    { class: 'start' },
    h('p', { class: 'greeting' }, info.greeting ?? 'Leave your name and email and we will be right with you.'),
    h('label', {}, 'Name', name),
    h('label', {}, 'Email', email),
    h('label', {}, 'Message', message),
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      const c = await client.startChat({ name: name.value, email: email.value, message: message.value });
      sessionStorage.setItem(storeKey, JSON.stringify(c.credentials));
      chat(body, c, info);
    } catch (err) {
      error.textContent = (err as Error).message;
      submit.disabled = false;
    }
  });
  body.replaceChildren(form);
}

function chat(body: HTMLElement, c: Chat, info: ChannelInfo): void {
  const waiting = h('p', { class: 'status', role: 'status' }, "We've let the team know. Someone will be with you shortly.");
  const list = h('ol', { class: 'messages', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' });
  const typing = h('p', { class: 'typing', role: 'status' });
  const input = h('textarea', { name: 'reply', rows: '2', placeholder: 'Type a message…', 'aria-label': 'Message', maxlength: '10000' });
  const file = h('input', { type: 'file', accept: PICTURE_TYPES, class: 'file', tabindex: '-1', 'aria-hidden': 'true' });
  const attach = h('button', { type: 'button', class: 'attach', 'aria-label': 'Attach a picture', title: 'Attach a picture' }, icon());
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const error = h('p', { class: 'error', role: 'alert' });
  const end = h('button', { type: 'button', class: 'end' }, 'End chat');
  const form = h('form', { class: 'compose' }, attach, file, input, send);
  body.replaceChildren(waiting, list, typing, error, form, end);
  const seen = new Set<string>();
  const scroll = () => {
    list.scrollTop = list.scrollHeight;
  };
  const note = (text: string) => {
    list.append(h('li', { class: 'note' }, text));
    scroll();
  };
  const add = (m: ChatMessage) => {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const pictures = (m.attachments ?? []).map((a) =>
      a.contentType.startsWith('image/')
        ? h('img', { class: 'picture', src: c.attachmentUrl(a), alt: a.name || 'Picture' })
        : h('a', { href: c.attachmentUrl(a), target: '_blank', rel: 'noopener' }, a.name),
    );
    for (const img of pictures) img.addEventListener('load', scroll);
    list.append(
      h(
        'li',
        { class: `${m.from}${m.body ? '' : ' bare'}`, 'data-id': m.id },
        ...(m.authorName ? [h('span', { class: 'who' }, m.authorName)] : []),
        ...(m.body ? [h('span', { class: 'text' }, m.body)] : []),
        ...pictures,
      ),
    );
    scroll();
  };
  let agent = c.state.agent?.name ?? null;
  const joined = (st: ChatState) => {
    waiting.hidden = Boolean(st.agent) || st.ended;
    const name = st.agent?.name ?? null;
    if (name && name !== agent) note(`${name} joined the chat`);
    agent = name;
  };
  joined(c.state);
  let done = false;
  const finish = (state: Pick<ChatState, 'rated'>) => {
    if (done) return;
    done = true;
    c.close();
    if (state.rated) return thanks(body);
    rating(body, c, info);
  };
  c.onMessage(add);
  c.onStateChange((st) => {
    joined(st);
    if (st.ended || st.rated) finish(st);
  });
  c.onTyping((t) => {
    typing.replaceChildren(
      ...(t ? [`${t.name} is typing`, h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i'))] : []),
    );
  });
  c.onGone(() => {
    if (done) return;
    done = true;
    sessionStorage.removeItem(storeKey);
    startForm(body, info);
  });
  if (c.state.ended || c.state.rated) finish(c.state);
  const attempt = async (work: () => Promise<ChatMessage>) => {
    error.textContent = '';
    try {
      add(await work());
      return true;
    } catch (err) {
      error.textContent = (err as Error).message;
      scroll();
      return false;
    }
  };
  const submit = async () => {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    if (!(await attempt(() => c.send(text)))) input.value = text;
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  });
  input.addEventListener('input', () => {
    if (input.value.trim()) void c.typing().catch(() => {});
  });
  attach.addEventListener('click', () => file.click());
  file.addEventListener('change', async () => {
    const picked = file.files?.[0];
    file.value = '';
    if (!picked) return;
    attach.disabled = true;
    await attempt(() => c.sendPicture(picked));
    attach.disabled = false;
  });
  end.addEventListener('click', async () => {
    end.disabled = true;
    finish(await c.end().catch(() => ({ rated: false })));
  });
}

/** A picture icon (inline SVG, no request). */
function icon(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.innerHTML =
    '<rect x="3" y="4" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="9" cy="10" r="2" fill="currentColor"/><path d="M4 19l6-6 4 4 3-3 3 3" fill="none" stroke="currentColor" stroke-width="2"/>';
  return svg;
}

function rating(body: HTMLElement, c: Chat, info: ChannelInfo): void {
  let stars = 0;
  const buttons = [1, 2, 3, 4, 5].map((n) =>
    h('button', { type: 'button', class: 'star', 'aria-label': `${n} star${n > 1 ? 's' : ''}`, 'aria-pressed': 'false' }, '★'),
  );
  const note = h('textarea', {
    name: 'note',
    rows: '2',
    placeholder: 'Anything to add? (optional)',
    'aria-label': 'Comment',
    maxlength: '2000',
  });
  const submit = h('button', { type: 'submit', class: 'primary', disabled: '' }, 'Send rating');
  for (const [i, b] of buttons.entries()) {
    b.addEventListener('click', () => {
      stars = i + 1;
      for (const [j, x] of buttons.entries()) x.setAttribute('aria-pressed', String(j < stars));
      submit.disabled = false;
    });
  }
  const form = h(
    'form',
    { class: 'rating' },
    h('p', {}, 'The chat has ended. How did we do?'),
    h('div', { class: 'stars', role: 'group', 'aria-label': 'Rating' }, ...buttons),
    note,
    submit,
    h('button', { type: 'button', class: 'end' }, 'New chat'),
  );
  form.lastElementChild!.addEventListener('click', () => {
    sessionStorage.removeItem(storeKey);
    startForm(body, info);
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    await c.rate(stars, note.value.trim() || undefined).catch(() => {});
    thanks(body);
  });
  body.replaceChildren(form);
}

function thanks(body: HTMLElement): void {
  sessionStorage.removeItem(storeKey);
  body.replaceChildren(h('p', { class: 'thanks' }, 'Thank you! Your chat has ended.'));
}

if (key) {
  client.channel().then(
    (info) => (document.body ? mount(info) : addEventListener('DOMContentLoaded', () => mount(info))),
    () => console.warn('Casework chat: unknown channel key', key),
  );
}
