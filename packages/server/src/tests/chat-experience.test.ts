import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, type DbKind, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { startSecondProcess } from '../test-support/second-process.ts';
import { openSse, type SseEvent, type SseStream } from '../test-support/sse-client.ts';
import { storedPieces } from '../test-support/stored-bytes.ts';
import { createClient, type Typing } from '../../../sdk/src/index.ts';

/**
 * SPEC §6 chat for customers: who joined, typing both ways (live, never stored, only to those who
 * may see the case), and pictures sent from the chat under SPEC §13's attachment rules.
 */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

type Started = { id: string; token: string; caseId: string };

function rig(kind: DbKind) {
  const r = { s: undefined as unknown as ChannelServer, o: undefined as unknown as Org, key: '' };
  const streams: SseStream[] = [];
  beforeAll(async () => {
    r.s = await startChannelServer(kind);
    r.o = await makeOrg(r.s);
    const ch = await req(r.s.base, r.o.admin, 'POST', '/api/v1/channels', {
      type: 'web_connect',
      name: 'Site chat',
      teamId: r.o.teamA,
      settings: { title: 'Acme help' },
    });
    r.key = ch.data.publicKey;
  }, 240_000);
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });
  afterAll(async () => r.s?.close(), 60_000);
  const start = async (message = 'Hello?'): Promise<Started> => {
    const res = await req(r.s.base, null, 'POST', '/api/v1/chat/sessions', {
      channelKey: r.key,
      name: 'Carla Kunde',
      email: 'carla@cust.test',
      message,
    });
    expect(res.status).toBe(201);
    return res.data;
  };
  const customerStream = async (c: Started, base = r.s.base) => {
    const s = openSse(`${base}/api/v1/chat/sessions/${c.id}/stream`, { 'x-chat-token': c.token });
    streams.push(s);
    expect(await s.status).toBe(200);
    await s.next((e) => e.event === 'state', 'the first state');
    return s;
  };
  const agentStream = async (user: TestUser) => {
    const s = openSse(`${r.s.base}/api/v1/events`, user.headers);
    streams.push(s);
    expect(await s.status).toBe(200);
    await s.next((e) => e.event === 'ready', 'ready');
    return s;
  };
  return { r, start, customerStream, agentStream };
}

const typingOf = (caseId: string) => (e: SseEvent) => e.event === 'chat.customer_typing' && e.data?.caseId === caseId;

describe.each(DB_KINDS)('chat for customers (%s)', (kind) => {
  const { r, start, customerStream, agentStream } = rig(kind);
  const form = (name: string, bytes: Buffer, type = 'application/octet-stream') => {
    const f = new FormData();
    f.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    return f;
  };
  const sendFile = async (c: Started, body: FormData | string, token: string | null = c.token, headers: Record<string, string> = {}) => {
    const res = await fetch(`${r.s.base}/api/v1/chat/sessions/${c.id}/attachments`, {
      method: 'POST',
      headers: { ...(token ? { 'x-chat-token': token } : {}), ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, data: text ? JSON.parse(text) : null };
  };
  const counts = async () => {
    const n = async (table: 'messages' | 'message_attachments') =>
      Number(
        (
          await r.s.db.kysely
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { messages: await n('messages'), attachments: await n('message_attachments'), chunks: await storedPieces(r.s.db) };
  };

  it('the customer sees who joined: no one at first, then the agent who claimed or was assigned (first name only)', async () => {
    const { s, o } = r;
    const c = await start();
    expect(c).toMatchObject({ agent: null });
    const stream = await customerStream(c);
    expect((await req(s.base, o.agent, 'POST', `/api/v1/cases/${c.caseId}/claim`)).status).toBe(200);
    await stream.next((e) => e.event === 'state' && e.data.agent?.name === 'Alice', 'Alice joined');
    expect((await req(s.base, o.supervisor, 'POST', `/api/v1/cases/${c.caseId}/assign`, { ownerId: o.agent2.id })).status).toBe(200);
    await stream.next((e) => e.event === 'state' && e.data.agent?.name === 'Arthur', 'Arthur took over');
    const read = await req(s.base, null, 'GET', `/api/v1/chat/sessions/${c.id}`, undefined, { 'x-chat-token': c.token });
    expect(read.data.agent).toEqual({ name: 'Arthur' });
    const seen = JSON.stringify([stream.events, read.data]);
    for (const u of [o.agent, o.agent2]) {
      expect(seen).not.toContain(u.id);
      expect(seen).not.toContain(u.email);
    }
    expect(seen).not.toContain('Arthur Agent');
  });

  it("the customer's typing reaches agents who may see the case, live and unstored; it needs the chat token", async () => {
    const { s, o } = r;
    const c = await start();
    const path = `/api/v1/chat/sessions/${c.id}/typing`;
    expect((await req(s.base, null, 'POST', path, {})).status).toBe(401);
    const wrong = await req(s.base, null, 'POST', path, {}, { 'x-chat-token': 'chat_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    const teamA = await agentStream(o.agent);
    const teamB = await agentStream(o.agentB);
    const events = async () =>
      Number(
        (await sql<{ n: string }>`SELECT count(*)::text AS n FROM case_events WHERE case_id = ${c.caseId}::uuid`.execute(s.db.kysely))
          .rows[0]!.n,
      );
    const before = await events();
    const ok = await req(s.base, null, 'POST', path, {}, { 'x-chat-token': c.token });
    expect(ok.status).toBe(204);
    const heard = await teamA.next(typingOf(c.caseId), 'typing for team A');
    expect(heard.data).toEqual({ type: 'chat.customer_typing', caseId: c.caseId, at: expect.any(String) });
    // Notices arrive in order: once B hears of a later team-B case, a leaked typing signal would be in too.
    const other = (await req(s.base, o.admin, 'POST', '/api/v1/cases', { subject: 'Sentinel', teamId: o.teamB })).data.id;
    await teamB.next((e) => e.event === 'case.created' && e.data.caseId === other, 'the sentinel');
    expect(teamB.events.some(typingOf(c.caseId))).toBe(false);
    expect(await events()).toBe(before);
    // An ended chat says nothing more.
    await req(s.base, null, 'POST', `/api/v1/chat/sessions/${c.id}/end`, {}, { 'x-chat-token': c.token });
    const after = teamA.events.filter(typingOf(c.caseId)).length;
    expect((await req(s.base, null, 'POST', path, {}, { 'x-chat-token': c.token })).status).toBe(204);
    const sentinel = (await req(s.base, o.admin, 'POST', '/api/v1/cases', { subject: 'Sentinel 2', teamId: o.teamA })).data.id;
    await teamA.next((e) => e.event === 'case.created' && e.data.caseId === sentinel, 'the second sentinel');
    expect(teamA.events.filter(typingOf(c.caseId)).length).toBe(after);
  });

  it("an agent's typing reaches the chat customer's stream; it needs the right to reply on the case", async () => {
    const { s, o } = r;
    const c = await start();
    const stream = await customerStream(c);
    const path = `/api/v1/cases/${c.caseId}/typing`;
    expect((await req(s.base, null, 'POST', path, {})).status).toBe(401);
    expect((await req(s.base, o.agentB, 'POST', path, {})).status).toBe(404);
    const viewer = await req(s.base, o.viewer, 'POST', path, {});
    expect(viewer.status).toBe(403);
    expect(viewer.data).toMatchObject({ code: 'forbidden', action: 'message' });
    expect((await req(s.base, o.agent, 'POST', path, {})).status).toBe(204);
    const typing = await stream.next((e) => e.event === 'typing', 'typing on the customer stream');
    expect(typing.data).toEqual({ name: 'Alice' });
    expect(stream.events.filter((e) => e.event === 'typing')).toHaveLength(1);
  });

  it('the SDK: typing() is sent at most every few seconds, onTyping shows the agent until their reply arrives', async () => {
    const { s, o } = r;
    let typingPosts = 0;
    const counting: typeof fetch = (input, init) => {
      if (String(input).endsWith('/typing')) typingPosts++;
      return fetch(input, init);
    };
    const client = createClient({ baseUrl: s.base, channelKey: r.key, fetch: counting });
    const chat = await client.startChat({ name: 'Dev User', email: 'dev@app.test', message: 'Hi' });
    const teamA = await agentStream(o.agent);
    expect(await chat.typing()).toBe(true);
    expect(await chat.typing()).toBe(false);
    expect(typingPosts).toBe(1);
    await teamA.next(typingOf(chat.state.caseId), 'the SDK customer typing');

    const seen: Typing[] = [];
    const joined: (string | null)[] = [];
    const offState = chat.onStateChange((st) => joined.push(st.agent?.name ?? null));
    const offTyping = chat.onTyping((t) => seen.push(t));
    const got = new Promise<void>((resolve) => chat.onMessage((m) => m.from === 'agent' && resolve()));
    await req(s.base, o.agent2, 'POST', `/api/v1/cases/${chat.state.caseId}/claim`);
    await eventually(async () => joined.includes('Arthur'), 'Arthur joined');
    await req(s.base, o.agent2, 'POST', `/api/v1/cases/${chat.state.caseId}/typing`, {});
    await eventually(async () => seen.length > 0, 'the agent typing');
    await req(s.base, o.agent2, 'POST', `/api/v1/cases/${chat.state.caseId}/messages`, { body: 'Here to help' });
    await got;
    expect(seen).toEqual([{ name: 'Arthur' }, null]);
    offTyping();
    offState();
    chat.close();
  });

  it('the customer sends a picture: stored on their message, shown to agents and to the customer; nothing else is taken', async () => {
    const { s, o } = r;
    const c = await start('My screen shows this');
    const sent = await sendFile(c, form('screen.png', PIXEL, 'image/png'), c.token, { origin: 'https://shop.example' });
    expect(sent.status, JSON.stringify(sent.data)).toBe(201);
    expect(sent.data).toMatchObject({
      from: 'customer',
      body: '',
      attachments: [{ name: 'screen.png', contentType: 'image/png', size: PIXEL.length, id: expect.any(String) }],
    });
    const fileId = sent.data.attachments[0].id;
    // The agents: the message carries it like an email's attachment, downloadable by those who see the case.
    const msgs = (await req(s.base, o.agent, 'GET', `/api/v1/cases/${c.caseId}/messages`)).data.messages;
    const onCase = msgs.find((m: { id: string }) => m.id === sent.data.id);
    expect(onCase).toMatchObject({ direction: 'inbound', attachments: [{ id: fileId, contentType: 'image/png' }] });
    const agentDl = await fetch(`${s.base}/api/v1/attachments/${fileId}`, { headers: o.agent.headers });
    expect(Buffer.from(await agentDl.arrayBuffer())).toEqual(PIXEL);
    expect((await fetch(`${s.base}/api/v1/attachments/${fileId}`, { headers: o.agentB.headers })).status).toBe(404);
    // The customer sees their picture, in place, with the chat's token only.
    const url = `${s.base}/api/v1/chat/sessions/${c.id}/attachments/${fileId}`;
    const own = await fetch(`${url}?token=${c.token}`);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(own.headers.get('content-disposition')).toMatch(/^inline/);
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await own.arrayBuffer())).toEqual(PIXEL);
    expect((await fetch(url)).status).toBe(401);
    const other = await start('Someone else');
    expect((await fetch(`${s.base}/api/v1/chat/sessions/${other.id}/attachments/${fileId}?token=${other.token}`)).status).toBe(404);
    const stream = await customerStream(c);
    const streamed = await stream.next((e) => e.event === 'message' && e.data.id === sent.data.id, 'the picture on the stream');
    expect(streamed.data.attachments).toHaveLength(1);
    // An internal note's file is never the customer's to fetch.
    const note = new FormData();
    note.append('body', 'internal scan');
    note.append('internal', 'true');
    note.append('files[]', new Blob([new Uint8Array(GIF)], { type: 'image/gif' }), 'internal.gif');
    const noted = await fetch(`${s.base}/api/v1/cases/${c.caseId}/messages`, { method: 'POST', headers: o.agent.headers, body: note });
    expect(noted.status).toBe(201);
    const noteFile = ((await noted.json()) as { attachments: { id: string }[] }).attachments[0]!.id;
    expect((await fetch(`${s.base}/api/v1/chat/sessions/${c.id}/attachments/${noteFile}?token=${c.token}`)).status).toBe(404);

    const before = await counts();
    expect((await sendFile(c, form('x.png', PIXEL), null)).status).toBe(401);
    for (const [name, bytes] of [
      ['notes.png', Buffer.from('just some text, named like a picture')],
      ['doc.png', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')],
      ['vector.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
      ['empty.png', Buffer.alloc(0)],
    ] as const) {
      const bad = await sendFile(c, form(name, bytes, 'image/png'));
      expect(bad.status, name).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(bad.data).toMatchObject({ code: 'validation_failed', fields: [expect.objectContaining({ field: 'file' })] });
    }
    const json = await fetch(`${s.base}/api/v1/chat/sessions/${c.id}/attachments`, {
      method: 'POST',
      headers: { 'x-chat-token': c.token, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    await req(s.base, o.admin, 'PATCH', '/api/v1/organisation', { maxAttachmentBytes: 64 * 1024 });
    try {
      // Found too large while reading, and announced too large.
      for (const size of [64 * 1024 + 1, 3 * 1024 * 1024]) {
        const big = Buffer.concat([PIXEL, Buffer.alloc(size - PIXEL.length, 0)]);
        const r413 = await sendFile(c, form('huge.png', big, 'image/png'));
        expect(r413.status).toBe(413);
        expect(r413.data).toMatchObject({ code: 'payload_too_large', maxBytes: 64 * 1024 });
      }
    } finally {
      await req(s.base, o.admin, 'PATCH', '/api/v1/organisation', { maxAttachmentBytes: 25 * 1024 * 1024 });
    }
    expect(await counts()).toEqual(before);
  });
});

describe('typing across server processes (postgres)', () => {
  const { r, start, customerStream, agentStream } = rig('postgres');

  it("reaches the customer's and the agents' streams held by another process", async () => {
    const { s, o } = r;
    const second = await startSecondProcess(s);
    const app2 = second.app;
    try {
      const c = await start();
      const customer = await customerStream(c);
      const agent = await agentStream(o.agent);
      const byAgent = await app2.inject({ method: 'POST', url: `/api/v1/cases/${c.caseId}/typing`, headers: o.agent.headers });
      expect(byAgent.statusCode).toBe(204);
      expect((await customer.next((e) => e.event === 'typing', 'agent typing from the other process')).data).toEqual({ name: 'Alice' });
      const byCustomer = await app2.inject({
        method: 'POST',
        url: `/api/v1/chat/sessions/${c.id}/typing`,
        headers: { 'x-chat-token': c.token },
      });
      expect(byCustomer.statusCode).toBe(204);
      await agent.next(typingOf(c.caseId), 'customer typing from the other process');
    } finally {
      await second.close();
    }
  });
});
