import type { Deps } from '../../deps.ts';
import { EVENTS_CHANNEL, type LiveNotice } from '../../outbox/notices.ts';
import { chatMessages, chatState, type ChatMessage, type ChatState } from '../../db/repos/chat-sessions.ts';
import { AGENT_TYPING_CHANNEL, isTypingOnly, type AgentTyping } from './chat-typing.ts';

const PAGE = 200;

export type ChatListener = {
  sessionId: string;
  caseId: string;
  lastMessageId: string | null;
  send(event: 'message' | 'state' | 'typing', data: ChatMessage | ChatState | { name: string }): void;
  close(): void;
};

/**
 * Pushes agent replies and status changes to customers' open chat streams. It hears committed
 * case events from every server process (LISTEN/NOTIFY) and re-reads the chat, so a reply made
 * on any process reaches the customer within moments. Agents' typing arrives the same way (its
 * own channel) and is passed on as it is: nothing is read or stored for it.
 */
export class ChatStreams {
  readonly #byCase = new Map<string, Set<ChatListener>>();
  #unlisten: Promise<(() => Promise<void>)[]> | null = null;

  constructor(private readonly deps: Deps) {}

  async add(l: ChatListener): Promise<() => void> {
    this.#unlisten ??= Promise.all([
      this.deps.db.listen(
        EVENTS_CHANNEL,
        (p) => this.#onNotice(p),
        () => this.#refreshAll(),
      ),
      this.deps.db.listen(
        AGENT_TYPING_CHANNEL,
        (p) => this.#onTyping(p),
        () => {},
      ),
    ]);
    await this.#unlisten;
    this.#index(l);
    await this.refresh(l);
    return () => this.#unindex(l);
  }

  async stop(): Promise<void> {
    const u = this.#unlisten;
    this.#unlisten = null;
    for (const set of this.#byCase.values()) for (const l of set) l.close();
    this.#byCase.clear();
    if (u) for (const stop of await u) await stop();
  }

  #index(l: ChatListener): void {
    const set = this.#byCase.get(l.caseId) ?? new Set();
    set.add(l);
    this.#byCase.set(l.caseId, set);
  }

  #unindex(l: ChatListener): void {
    const set = this.#byCase.get(l.caseId);
    set?.delete(l);
    if (set?.size === 0) this.#byCase.delete(l.caseId);
  }

  #onNotice(payload: string): void {
    let n: LiveNotice;
    try {
      n = JSON.parse(payload) as LiveNotice;
    } catch {
      return;
    }
    const set = this.#byCase.get(n.caseId);
    if (!set || isTypingOnly(n)) return;
    for (const l of [...set]) void this.refresh(l).catch((err) => this.deps.log.warn({ err }, 'chat stream refresh failed'));
  }

  #onTyping(payload: string): void {
    let t: AgentTyping;
    try {
      t = JSON.parse(payload) as AgentTyping;
    } catch {
      return;
    }
    for (const l of this.#byCase.get(t.caseId) ?? []) l.send('typing', { name: t.name });
  }

  #refreshAll(): void {
    for (const set of this.#byCase.values()) for (const l of [...set]) void this.refresh(l).catch(() => {});
  }

  readonly #chains = new WeakMap<ChatListener, Promise<void>>();

  /** Sends what the listener has not seen yet (one pull at a time per listener, so nothing is sent twice). */
  refresh(l: ChatListener): Promise<void> {
    const next = (this.#chains.get(l) ?? Promise.resolve()).catch(() => {}).then(() => this.#pull(l));
    this.#chains.set(l, next);
    return next;
  }

  async #pull(l: ChatListener): Promise<void> {
    const state = await chatState(this.deps, l.sessionId);
    if (state.caseId !== l.caseId) {
      // A message after the chat closed started a follow-up case: follow the conversation there.
      this.#unindex(l);
      l.caseId = state.caseId;
      this.#index(l);
    }
    for (let more = true; more; ) {
      const fresh = await chatMessages(this.deps, l.caseId, l.lastMessageId, PAGE);
      for (const m of fresh) {
        l.lastMessageId = m.id;
        l.send('message', m);
      }
      more = fresh.length === PAGE; // a long backlog (reconnecting to a long chat) is sent in full
    }
    l.send('state', state);
  }
}
