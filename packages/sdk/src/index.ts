/**
 * @casework/sdk — the customer side of a Casework support chat, for apps and services.
 * Works wherever `fetch` and streams exist (browsers, Node 18+, React Native with a fetch polyfill).
 */

export type ClientOptions = {
  /** Where Casework runs, e.g. https://support.example.com */
  baseUrl: string;
  /** The public key of a Support SDK (or Web Connect) channel. */
  channelKey: string;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
};

/** A picture (or, from an agent, a file) on a message; `chat.attachmentUrl(a)` fetches it. */
export type ChatAttachment = { id: string; name: string; contentType: string; size: number };
export type ChatMessage = {
  id: string;
  body: string;
  from: 'customer' | 'agent';
  authorName: string | null;
  createdAt: string;
  attachments: ChatAttachment[];
};
/** Who is typing on the agents' side (first name), or null when they stopped. */
export type Typing = { name: string } | null;
export type ChatState = {
  id: string;
  caseId: string;
  reference: string;
  status: string;
  ended: boolean;
  rated: boolean;
  rating: { stars: number; note: string | null } | null;
  /** The agent who has joined the chat (first name only); null until one takes it. */
  agent: { name: string } | null;
};
export type ChannelInfo = { type: string; name: string; title: string; greeting: string | null; color: string | null };
export type StartChatInput = { name: string; email: string; message: string };
/** What to keep to resume a chat later (e.g. after an app restart). */
export type ChatCredentials = { id: string; token: string };

/** An error answered by Casework (problem+json): `status` and a stable `code`. */
export class CaseworkError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CaseworkError';
  }
}

type Request = (path: string, init?: { method?: string; body?: unknown; form?: FormData; token?: string }) => Promise<unknown>;

/** An agent's typing is shown this long after their last signal (they send one every few seconds while typing). */
const TYPING_SHOWN_MS = 6000;
/** The customer's typing is sent at most this often. */
const TYPING_EVERY_MS = 3000;

function requester(opts: ClientOptions): Request {
  const f = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const base = opts.baseUrl.replace(/\/$/, '');
  return async (path, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers['x-chat-token'] = init.token;
    const res = await f(`${base}/api/v1/chat${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
    const text = await res.text();
    const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok)
      throw new CaseworkError(res.status, String(data.code ?? 'error'), String(data.detail ?? data.title ?? `HTTP ${res.status}`));
    return data;
  };
}

export type CaseworkClient = {
  /** The channel's display information (title, greeting). */
  channel(): Promise<ChannelInfo>;
  /** Starts a chat: a new case for the support team, with the customer's first message. */
  startChat(input: StartChatInput): Promise<Chat>;
  /** Picks up a chat started earlier, from its saved credentials. */
  resumeChat(credentials: ChatCredentials): Promise<Chat>;
};

/** Creates a client for one channel. */
export function createClient(opts: ClientOptions): CaseworkClient {
  const request = requester(opts);
  return {
    channel: async () => (await request(`/channels/${encodeURIComponent(opts.channelKey)}`)) as ChannelInfo,
    async startChat(input) {
      const r = (await request('/sessions', { method: 'POST', body: { channelKey: opts.channelKey, ...input } })) as ChatState & {
        token: string;
      };
      return new Chat(opts, request, { id: r.id, token: r.token }, r);
    },
    async resumeChat(credentials) {
      const r = (await request(`/sessions/${credentials.id}`, { token: credentials.token })) as ChatState;
      return new Chat(opts, request, credentials, r);
    },
  };
}

type Listener<T> = (value: T) => void;

/** One customer chat: send, receive agent replies live, end, rate. */
export class Chat {
  readonly id: string;
  readonly token: string;
  /** The case reference the customer can quote (e.g. K7Q2MX). */
  reference: string;
  state: ChatState;
  readonly #messageListeners = new Set<Listener<ChatMessage>>();
  readonly #stateListeners = new Set<Listener<ChatState>>();
  readonly #goneListeners = new Set<() => void>();
  readonly #typingListeners = new Set<Listener<Typing>>();
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #lastTypingSent = 0;
  readonly #seen = new Set<string>();
  #lastId: string | null = null;
  #abort: AbortController | null = null;

  constructor(
    private readonly opts: ClientOptions,
    private readonly request: Request,
    credentials: ChatCredentials,
    state: ChatState,
  ) {
    this.id = credentials.id;
    this.token = credentials.token;
    this.reference = state.reference;
    this.state = state;
  }

  /** Save these to resume the chat later with `client.resumeChat`. */
  get credentials(): ChatCredentials {
    return { id: this.id, token: this.token };
  }

  /** Sends a customer message (retried sends with the same clientMessageId are stored once). */
  async send(text: string, clientMessageId: string = randomId()): Promise<ChatMessage> {
    return (await this.request(`/sessions/${this.id}/messages`, {
      method: 'POST',
      token: this.token,
      body: { body: text, clientMessageId },
    })) as ChatMessage;
  }

  /**
   * Sends a picture (PNG, JPEG, GIF or WebP, within the organisation's size cap) as a message of its
   * own. Anything else is refused with a CaseworkError (400 `validation_failed`, 413 `payload_too_large`).
   */
  async sendPicture(file: Blob, filename = 'picture'): Promise<ChatMessage> {
    const form = new FormData();
    form.append('file', file, (file as { name?: string }).name || filename);
    return (await this.request(`/sessions/${this.id}/attachments`, { method: 'POST', token: this.token, form })) as ChatMessage;
  }

  /** Where a message's picture or file is fetched from (carries the chat token: keep it to this chat's page). */
  attachmentUrl(a: ChatAttachment): string {
    const base = this.opts.baseUrl.replace(/\/$/, '');
    return `${base}/api/v1/chat/sessions/${this.id}/attachments/${a.id}?token=${encodeURIComponent(this.token)}`;
  }

  /**
   * Tells the agents the customer is typing. Call it on every keystroke: it is sent at most once
   * every few seconds. Resolves true when a signal went out.
   */
  async typing(): Promise<boolean> {
    const now = Date.now();
    if (now - this.#lastTypingSent < TYPING_EVERY_MS) return false;
    this.#lastTypingSent = now;
    await this.request(`/sessions/${this.id}/typing`, { method: 'POST', token: this.token, body: {} });
    return true;
  }

  /**
   * Calls `cb` with `{name}` while an agent is typing a reply, and with null when they stopped (a
   * few seconds after their last signal, or as soon as their reply arrives). Returns a function
   * that unsubscribes.
   */
  onTyping(cb: Listener<Typing>): () => void {
    this.#typingListeners.add(cb);
    this.#startStream();
    return () => {
      this.#typingListeners.delete(cb);
      this.#maybeStop();
    };
  }

  /** Every message of the conversation so far, oldest first. */
  async messages(): Promise<ChatMessage[]> {
    return ((await this.request(`/sessions/${this.id}/messages`, { token: this.token })) as { messages: ChatMessage[] }).messages;
  }

  /**
   * Calls `cb` for each message as it arrives live (agent replies, and the customer's own from any
   * device), starting with the conversation so far. Returns a function that unsubscribes.
   */
  onMessage(cb: Listener<ChatMessage>): () => void {
    this.#messageListeners.add(cb);
    this.#startStream();
    return () => {
      this.#messageListeners.delete(cb);
      this.#maybeStop();
    };
  }

  /** Calls `cb` when the chat's state changes (an agent resolved it, it was ended or rated). */
  onStateChange(cb: Listener<ChatState>): () => void {
    this.#stateListeners.add(cb);
    this.#startStream();
    return () => {
      this.#stateListeners.delete(cb);
      this.#maybeStop();
    };
  }

  /**
   * Calls `cb` once if the server stops accepting this chat's credentials on its live stream (the
   * chat is unknown or its token is refused): live updates have stopped; start a new chat.
   * Returns a function that unsubscribes.
   */
  onGone(cb: () => void): () => void {
    this.#goneListeners.add(cb);
    return () => {
      this.#goneListeners.delete(cb);
    };
  }

  /** Ends the chat (the case is resolved). */
  async end(): Promise<ChatState> {
    return this.#setState((await this.request(`/sessions/${this.id}/end`, { method: 'POST', token: this.token, body: {} })) as ChatState);
  }

  /** Rates the ended chat with 1–5 stars and an optional note (the case is closed). */
  async rate(stars: number, note?: string): Promise<ChatState> {
    return this.#setState(
      (await this.request(`/sessions/${this.id}/rating`, {
        method: 'POST',
        token: this.token,
        body: { stars, note: note ?? null },
      })) as ChatState,
    );
  }

  /** Stops live updates. */
  close(): void {
    this.#abort?.abort();
    this.#abort = null;
    clearTimeout(this.#typingTimer);
    this.#typingTimer = undefined;
  }

  #setTyping(t: Typing): void {
    clearTimeout(this.#typingTimer);
    this.#typingTimer = t ? setTimeout(() => this.#setTyping(null), TYPING_SHOWN_MS) : undefined;
    for (const l of this.#typingListeners) l(t);
  }

  #setState(s: ChatState): ChatState {
    const changed = JSON.stringify(s) !== JSON.stringify(this.state);
    this.state = s;
    if (changed) for (const l of this.#stateListeners) l(s);
    return s;
  }

  #maybeStop(): void {
    if (this.#messageListeners.size === 0 && this.#stateListeners.size === 0 && this.#typingListeners.size === 0) this.close();
  }

  #startStream(): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    void this.#streamLoop(abort.signal);
  }

  async #streamLoop(signal: AbortSignal): Promise<void> {
    const f = this.opts.fetch ?? globalThis.fetch.bind(globalThis);
    const base = this.opts.baseUrl.replace(/\/$/, '');
    while (!signal.aborted) {
      try {
        const res = await f(`${base}/api/v1/chat/sessions/${this.id}/stream`, {
          headers: { 'x-chat-token': this.token, accept: 'text/event-stream', ...(this.#lastId ? { 'last-event-id': this.#lastId } : {}) },
          signal,
        });
        if (res.status === 401 || res.status === 404) {
          this.close();
          for (const l of [...this.#goneListeners]) l();
          return;
        }
        if (res.ok && res.body) await this.#read(res.body, signal);
      } catch {
        /* reconnect below */
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async #read(body: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        this.#frame(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
  }

  #frame(frame: string): void {
    let event = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (!data) return;
    const value = JSON.parse(data) as ChatMessage & ChatState & { name: string };
    if (event === 'message') {
      if (this.#seen.has(value.id)) return;
      this.#seen.add(value.id);
      this.#lastId = value.id;
      if (value.from === 'agent' && this.#typingTimer !== undefined) this.#setTyping(null);
      for (const l of this.#messageListeners) l(value);
    } else if (event === 'typing') {
      this.#setTyping({ name: value.name });
    } else if (event === 'state') {
      this.reference = value.reference;
      this.#setState(value);
    }
  }
}

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
