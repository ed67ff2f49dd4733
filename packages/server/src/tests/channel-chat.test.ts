import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { createClient, type ChatMessage } from '../../../sdk/src/index.ts';

/** Reads a server-sent event stream, collecting events until `done` says so. */
async function collectSse(
  url: string,
  token: string,
  done: (events: { event: string; data: any }[]) => boolean,
): Promise<{ event: string; data: any }[]> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { 'x-chat-token': token }, signal: ctrl.signal });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const events: { event: string; data: any }[] = [];
  let buf = '';
  const dec = new TextDecoder();
  while (!done(events)) {
    const { value, done: end } = await reader.read();
    if (end) break;
    buf += dec.decode(value, { stream: true });
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      const frame = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = /^event: (.+)$/m.exec(frame)?.[1];
      const data = /^data: (.+)$/m.exec(frame)?.[1];
      if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
    }
  }
  ctrl.abort();
  return events;
}

describe.each(DB_KINDS)('web chat and SDK (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let sdkTeam: string;
  let admin: TestUser;
  let agent: TestUser;
  let web: any;
  let sdk: any;

  beforeAll(async () => {
    s = await startChannelServer(kind);
    team = await makeTeam(s.db, 'Chat team');
    sdkTeam = await makeTeam(s.db, 'App team');
    admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team, sdkTeam], name: 'Lena Fischer' });
    web = (
      await req(s.base, admin, 'POST', '/api/v1/channels', {
        type: 'web_connect',
        name: 'Site chat',
        teamId: team,
        settings: { title: 'Acme help', greeting: 'Hi there' },
      })
    ).data;
    sdk = (await req(s.base, admin, 'POST', '/api/v1/channels', { type: 'support_sdk', name: 'App', teamId: sdkTeam, settings: {} })).data;
  });
  afterAll(() => s.close());

  it('serves the widget script (small, gzipped, cacheable) and a demo page embedding it', async () => {
    const raw = await fetch(`${s.base}/widget.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/javascript/);
    const js = await raw.text();
    expect(js).toContain('Chat with us');
    const gz = await new Promise<Buffer>((resolve, reject) => {
      import('node:http').then(({ get }) =>
        get(`${s.base}/widget.js`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
          expect(r.headers['content-encoding']).toBe('gzip');
          const parts: Buffer[] = [];
          r.on('data', (c) => parts.push(c))
            .on('end', () => resolve(Buffer.concat(parts)))
            .on('error', reject);
        }),
      );
    });
    expect(gunzipSync(gz).toString()).toBe(js);
    expect(gz.length).toBeLessThan(8 * 1024);
    const again = await fetch(`${s.base}/widget.js`, { headers: { 'if-none-match': raw.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const demo = await fetch(`${s.base}/demo/chat`);
    expect(demo.headers.get('content-type')).toMatch(/text\/html/);
    expect(await demo.text()).toContain(`<script src="/widget.js" data-channel="${web.publicKey}" async></script>`);
  });

  it('widget chat API: start, live agent reply on the stream, customer message, end, rate', async () => {
    const info = await req(s.base, null, 'GET', `/api/v1/chat/channels/${web.publicKey}`);
    expect(info.data).toMatchObject({ type: 'web_connect', title: 'Acme help', greeting: 'Hi there' });
    expect(
      (await req(s.base, null, 'POST', '/api/v1/chat/sessions', { channelKey: 'pk_nope', name: 'A', email: 'a@b.test', message: 'x' }))
        .status,
    ).toBe(404);
    expect(
      (
        await req(s.base, null, 'POST', '/api/v1/chat/sessions', {
          channelKey: web.publicKey,
          name: 'A',
          email: 'not-an-email',
          message: 'x',
        })
      ).status,
    ).toBe(400);
    const start = await req(s.base, null, 'POST', '/api/v1/chat/sessions', {
      channelKey: web.publicKey,
      name: 'Carla Kunde',
      email: 'carla@cust.test',
      message: 'Where is my parcel?',
    });
    expect(start.status).toBe(201);
    expect(start.data).toMatchObject({ status: 'new', ended: false, rated: false });
    const { id, token, caseId } = start.data;
    const c = (await req(s.base, admin, 'GET', `/api/v1/cases/${caseId}`)).data;
    expect(c).toMatchObject({
      type: 'web_connect',
      teamId: team,
      status: 'new',
      ownerId: null,
      customer: { name: 'Carla Kunde', email: 'carla@cust.test' },
    });
    const work = await req(s.base, agent, 'GET', '/api/v1/me/work');
    expect(work.data.next.case).toMatchObject({ id: caseId, type: 'web_connect' });
    expect((await req(s.base, null, 'GET', `/api/v1/chat/sessions/${id}`, undefined, { 'x-chat-token': 'wrong' })).status).toBe(401);
    expect((await req(s.base, null, 'GET', `/api/v1/chat/sessions/${id}`)).status).toBe(401);

    const streamed = collectSse(`${s.base}/api/v1/chat/sessions/${id}/stream`, token, (ev) =>
      ev.some((e) => e.event === 'message' && e.data.from === 'agent'),
    );
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${caseId}/claim`)).status).toBe(200);
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'secret note', internal: true })).status).toBe(
      201,
    );
    expect((await req(s.base, agent, 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Let me check that for you.' })).status).toBe(201);
    const events = await streamed;
    const msgs = events.filter((e) => e.event === 'message').map((e) => e.data);
    expect(msgs.map((m) => [m.from, m.body])).toEqual([
      ['customer', 'Where is my parcel?'],
      ['agent', 'Let me check that for you.'],
    ]);
    expect(msgs[1].authorName).toBe('Lena');
    expect(JSON.stringify(events)).not.toContain('secret note');

    const body = { body: 'Thanks!', clientMessageId: 'c-1' };
    const sent = await req(s.base, null, 'POST', `/api/v1/chat/sessions/${id}/messages`, body, { 'x-chat-token': token });
    expect(sent.status).toBe(201);
    expect((await req(s.base, null, 'POST', `/api/v1/chat/sessions/${id}/messages`, body, { 'x-chat-token': token })).data.id).toBe(
      sent.data.id,
    );
    const agentView = (await req(s.base, agent, 'GET', `/api/v1/cases/${caseId}/messages`)).data.messages;
    expect(agentView.filter((m: any) => m.body === 'Thanks!')).toHaveLength(1);

    const ended = await req(s.base, null, 'POST', `/api/v1/chat/sessions/${id}/end`, {}, { 'x-chat-token': token });
    expect(ended.status).toBe(200);
    expect(ended.data).toMatchObject({ status: 'resolved', ended: true });
    expect((await req(s.base, admin, 'GET', `/api/v1/cases/${caseId}`)).data).toMatchObject({
      status: 'resolved',
      resolution: 'completed',
    });
    expect((await req(s.base, null, 'POST', `/api/v1/chat/sessions/${id}/rating`, { stars: 6 }, { 'x-chat-token': token })).status).toBe(
      400,
    );
    const rated = await req(
      s.base,
      null,
      'POST',
      `/api/v1/chat/sessions/${id}/rating`,
      { stars: 5, note: 'quick!' },
      { 'x-chat-token': token },
    );
    expect(rated.status).toBe(200);
    expect((await req(s.base, admin, 'GET', `/api/v1/cases/${caseId}`)).data).toMatchObject({
      status: 'closed',
      rating: { stars: 5, note: 'quick!' },
    });
    expect((await req(s.base, null, 'POST', `/api/v1/chat/sessions/${id}/rating`, { stars: 1 }, { 'x-chat-token': token })).status).toBe(
      409,
    );

    const late = await req(
      s.base,
      null,
      'POST',
      `/api/v1/chat/sessions/${id}/messages`,
      { body: 'One more question' },
      { 'x-chat-token': token },
    );
    expect(late.status).toBe(201);
    const state = (await req(s.base, null, 'GET', `/api/v1/chat/sessions/${id}`, undefined, { 'x-chat-token': token })).data;
    expect(state.caseId).not.toBe(caseId);
    expect((await req(s.base, admin, 'GET', `/api/v1/cases/${state.caseId}`)).data).toMatchObject({
      followUpOf: caseId,
      type: 'web_connect',
      status: 'new',
    });
  });

  it('SDK session against the running server: start, live replies, send, end, rate', async () => {
    const client = createClient({ baseUrl: s.base, channelKey: sdk.publicKey });
    expect((await client.channel()).type).toBe('support_sdk');
    const chat = await client.startChat({ name: 'Dev User', email: 'dev@app.test', message: 'The app crashes on login' });
    expect(chat.id).toBeTruthy();
    expect(chat.reference).toMatch(/^[A-Z2-9]{6}$/);
    const c = (await req(s.base, admin, 'GET', `/api/v1/cases/${chat.state.caseId}`)).data;
    expect(c).toMatchObject({ type: 'support_sdk', teamId: sdkTeam, status: 'new', ownerId: null });
    const received: ChatMessage[] = [];
    const off = chat.onMessage((m) => received.push(m));
    await eventually(async () => received.length === 1, 'the first message on the stream');
    await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/claim`);
    await req(s.base, agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'Which version?' });
    await eventually(async () => received.some((m) => m.from === 'agent'), 'the agent reply');
    const mine = await chat.send('Version 2.1');
    await eventually(async () => received.some((m) => m.id === mine.id), 'own message echoed');
    expect(received.map((m) => [m.from, m.body])).toEqual([
      ['customer', 'The app crashes on login'],
      ['agent', 'Which version?'],
      ['customer', 'Version 2.1'],
    ]);
    expect((await chat.end()).status).toBe('resolved');
    const rated = await chat.rate(4, 'helpful');
    expect(rated).toMatchObject({ status: 'closed', rated: true, rating: { stars: 4, note: 'helpful' } });
    off();
    const resumed = await client.resumeChat(chat.credentials);
    expect(resumed.state.status).toBe('closed');
    await expect(client.resumeChat({ id: chat.id, token: 'bad' })).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});
