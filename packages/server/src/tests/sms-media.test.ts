import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, postSigned, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';

/** A 1×1 PNG. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/**
 * SPEC §13: an inbound MMS's media (Twilio's NumMedia / MediaUrlN / MediaContentTypeN) become
 * attachments of the message, fetched with the channel's account as basic auth and typed by
 * sniffing; media that cannot be fetched stay named in the text.
 */
describe.each(DB_KINDS)('SMS media (%s)', (kind) => {
  let s: ChannelServer;
  let media: http.Server;
  let mediaBase = '';
  const auths: (string | undefined)[] = [];
  let agent: TestUser;
  let channelId = '';
  const TOKEN = 'mms-secret';

  beforeAll(async () => {
    s = await startChannelServer(kind);
    media = http.createServer((rq, rs) => {
      auths.push(rq.headers.authorization);
      if (rq.url?.includes('gone')) rs.writeHead(404).end('no');
      else rs.writeHead(200, { 'content-type': 'text/plain' }).end(PIXEL);
    });
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', () => r()));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    const team = await makeTeam(s.db, 'Phones');
    const admin = await makeUser(s.db, { role: 'admin' });
    agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    const ch = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'Texts',
      teamId: team,
      settings: { accountSid: 'AC123', phoneNumber: '+15550100', authToken: TOKEN },
    });
    expect(ch.status).toBe(201);
    channelId = ch.data.id;
  }, 240_000);
  afterAll(async () => {
    await s?.close();
    media?.closeAllConnections();
    await new Promise((r) => media?.close(r));
  }, 60_000);

  it('stores the media as attachments (type sniffed, not declared) and names media it could not fetch', async () => {
    const r = await postSigned(
      s.base,
      `/webhooks/sms/${channelId}`,
      {
        MessageSid: 'MM1',
        From: '+15550111',
        To: '+15550100',
        Body: 'Photo of the damage',
        NumMedia: '2',
        MediaUrl0: `${mediaBase}/Media/ME1`,
        MediaContentType0: 'image/jpeg',
        MediaUrl1: `${mediaBase}/Media/gone`,
        MediaContentType1: 'image/png',
      },
      TOKEN,
    );
    expect(r.status).toBe(200);
    const c = await eventually(async () => {
      const list = (await req(s.base, agent, 'GET', '/api/v1/cases?type=sms')).data.cases as { id: string }[];
      return list[0];
    }, 'the SMS case');
    const m = (await req(s.base, agent, 'GET', `/api/v1/cases/${c.id}/messages`)).data.messages[0];
    expect(m.body).toBe(`Photo of the damage\n[Media: ${mediaBase}/Media/gone]`);
    expect(m.attachments.map((a: { name: string; contentType: string; size: number }) => [a.name, a.contentType, a.size])).toEqual([
      ['ME1.jpg', 'image/png', PIXEL.length],
    ]);
    const file = await fetch(`${s.base}${m.attachments[0].url}`, { headers: agent.headers });
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PIXEL);
    expect(auths[0]).toBe(`Basic ${Buffer.from(`AC123:${TOKEN}`).toString('base64')}`);
  });
});
