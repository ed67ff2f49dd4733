import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, makeTeam, makeUser, startTestApp, type TestUser } from '../test-support/harness.ts';
import { eventually, http as req, startChannelServer, type ChannelServer } from '../test-support/channel-harness.ts';
import { dovecotMissing, freePort, startDovecot, type Dovecot } from '../test-support/dovecot.ts';
import { readChannelOptions } from '../channels/config.ts';
import { plainMail, realWorldMails } from '../test-support/real-world-mail.ts';
import { startChannels } from '../jobs/channel-runtime.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

// A real Dovecot (IMAP with STARTTLS and TLS) started by this file on free loopback ports.
let dovecot: Dovecot;
// Errors are retried after 1–2 s: Dovecot delays logins from an address after failed ones.
const fast = { imapScanMs: 100, imapPollMs: 500, imapLeaseMs: 3000, retryBaseMs: 1000, retryMaxMs: 2000 };
let userSeq = 0;

describe.skipIf(dovecotMissing !== null).each(DB_KINDS)('email channel fetching over IMAP from Dovecot (%s)', (kind) => {
  let s: ChannelServer;
  let team: string;
  let admin: TestUser;

  beforeAll(async () => {
    dovecot ??= await startDovecot();
    s = await startChannelServer(kind, { config: { mailCa: dovecot.cert }, channel: fast });
    team = await makeTeam(s.db, 'Mail team');
    admin = await makeUser(s.db, { role: 'admin' });
  });
  afterAll(async () => {
    await s?.runtime.stop(); // a test may have replaced the runtime (a restart)
    await s?.close();
  });

  /** A mailbox user of its own and an email channel fetching from it. */
  const mailbox = async (security: 'starttls' | 'tls' = 'starttls', password = 'secret-pw') => {
    const user = `support${++userSeq}-${kind}@acme.test`;
    await dovecot.addUser(user, 'secret-pw');
    const port = security === 'tls' ? dovecot.imapsPort : dovecot.imapPort;
    const ch = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: `Mailbox ${userSeq}`,
      teamId: team,
      settings: { address: user, imap: { host: dovecot.host, port, security, user, password } },
    });
    expect(ch.status).toBe(201);
    return { user, channelId: ch.data.id as string };
  };
  const casesOf = async (channelId: string) => {
    const r = await s.db.kysely
      .selectFrom('case_channels as cc')
      .innerJoin('cases as c', 'c.id', 'cc.case_id')
      .select(['c.id', 'c.subject'])
      .where('cc.channel_id', '=', channelId)
      .execute();
    return r;
  };
  const messagesOf = async (caseId: string) => (await req(s.base, admin, 'GET', `/api/v1/cases/${caseId}/messages`)).data.messages as any[];
  const channel = async (id: string) => (await req(s.base, admin, 'GET', `/api/v1/channels/${id}`)).data;

  it('turns real-world mail (alternative, inline image, attachment, ISO-8859-1, DKIM) into cases, keeps an auto-reply and a bounce without one; settings show without the password', async () => {
    const { user, channelId } = await mailbox('starttls');
    const fixtures = await realWorldMails(user, kind);
    await dovecot.append(
      user,
      'secret-pw',
      fixtures.map((f) => f.raw),
    );
    const opening = fixtures.filter((f) => !f.noCase);
    const cases = await eventually(async () => {
      const c = await casesOf(channelId);
      return c.length === opening.length && c;
    }, 'every fixture mail as a case');
    // The auto-reply and the bounce answer no conversation of ours: kept, but no case (SPEC §13).
    const kept = await eventually(async () => {
      const rows = await s.db.kysely
        .selectFrom('inbound_messages')
        .select(['outcome', 'processed_at'])
        .where('channel_id', '=', channelId)
        .execute();
      return rows.length === fixtures.length && rows.every((r) => r.processed_at) && rows;
    }, 'every fixture mail processed');
    expect(
      kept
        .map((r) => r.outcome)
        .filter(Boolean)
        .sort(),
    ).toEqual(['auto_reply', 'bounce']);
    for (const f of opening) {
      const c = cases.find((x) => x.subject === f.subject);
      expect(c, f.subject).toBeDefined();
      const msgs = await messagesOf(c!.id);
      expect(msgs).toHaveLength(1);
      expect(msgs[0].direction).toBe('inbound');
      if (f.expectText) expect(msgs[0].body).toContain(f.expectText);
      if (f.expectAttachments) {
        const link = await req(s.base, admin, 'GET', `/api/v1/cases/${c!.id}/channel`);
        expect(link.data.attachments.length).toBeGreaterThanOrEqual(f.expectAttachments);
      }
    }
    const ch = await channel(channelId);
    expect(ch.settings.imap).toEqual({
      host: dovecot.host,
      port: dovecot.imapPort,
      security: 'starttls',
      user,
      folder: 'INBOX',
      hasPassword: true,
    });
    expect(JSON.stringify(ch)).not.toContain('secret-pw');
    expect(ch.mailFetch).toMatchObject({ lastError: null, fetchedCount: fixtures.length });
    expect(ch.mailFetch.lastSuccessAt).toEqual(expect.any(String));
  });

  it('over TLS: new mail arrives while connected (IDLE), a reply threads into its case, and nothing is taken twice', async () => {
    const { user, channelId } = await mailbox('tls');
    await dovecot.append(user, 'secret-pw', [plainMail(user, `${kind}-1`), plainMail(user, `${kind}-2`)]);
    await eventually(async () => (await casesOf(channelId)).length === 2, 'two cases');
    // New mail while the session is idling, including the customer's answer to the first case.
    await dovecot.append(user, 'secret-pw', [
      plainMail(user, `${kind}-3`),
      plainMail(user, `${kind}-1-answer`, [`In-Reply-To: <q${kind}-1@cust.example>`]).replace(
        `Subject: Question ${kind}-1-answer`,
        `Subject: Re: Question ${kind}-1`,
      ),
    ]);
    await eventually(async () => (await casesOf(channelId)).length === 3, 'the third case');
    const first = (await casesOf(channelId)).find((c) => c.subject === `Question ${kind}-1`)!;
    await eventually(async () => (await messagesOf(first.id)).length === 2, 'the answer in the first case');
    // Forget the mark and mark everything unread: a first sync again finds the same mail and adds nothing.
    await s.runtime.stop();
    await s.db.kysely
      .updateTable('channel_mail_fetch')
      .set({ uid_validity: null, last_uid: 0 })
      .where('channel_id', '=', channelId)
      .execute();
    await unseeAll(user);
    s.runtime = await startChannels(s.deps, s.options);
    await eventually(async () => {
      const f = await s.db.kysely
        .selectFrom('channel_mail_fetch')
        .select(['uid_validity'])
        .where('channel_id', '=', channelId)
        .executeTakeFirst();
      return f?.uid_validity;
    }, 'the first sync to finish');
    expect(await casesOf(channelId)).toHaveLength(3);
    expect(await messagesOf(first.id)).toHaveLength(2);
    const inbound = await s.db.kysely.selectFrom('inbound_messages').select('id').where('channel_id', '=', channelId).execute();
    expect(inbound).toHaveLength(4);
  });

  it('stopped in the middle of a fetch, then started again (also with the mark lost): every mail once', async () => {
    const { user, channelId } = await mailbox('starttls');
    const n = 40;
    await dovecot.append(
      user,
      'secret-pw',
      Array.from({ length: n }, (_, i) => plainMail(user, `${kind}-stop-${i}`)),
    );
    await eventually(async () => (await casesOf(channelId)).length >= 3, 'a few cases');
    await s.runtime.stop();
    const partial = (await casesOf(channelId)).length;
    // As if the process died after storing a message but before its mark moved.
    await s.db.kysely.updateTable('channel_mail_fetch').set({ last_uid: 1 }).where('channel_id', '=', channelId).execute();
    s.runtime = await startChannels(s.deps, s.options);
    const cases = await eventually(
      async () => {
        const c = await casesOf(channelId);
        return c.length >= n && c;
      },
      'all cases',
      30_000,
    );
    expect(partial).toBeLessThanOrEqual(n);
    expect(new Set(cases.map((c) => c.subject)).size).toBe(n);
    expect(cases).toHaveLength(n);
  });

  it('identical mails without a Message-ID (empty, malformed) are each a case, and still once each when fetched again', async () => {
    const { user, channelId } = await mailbox('starttls');
    const empty = 'From: quiet@cust.example\r\n\r\n';
    const broken = 'From: odd@cust.example\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nbroken';
    await dovecot.append(user, 'secret-pw', [empty, empty, broken, broken]);
    await eventually(async () => (await casesOf(channelId)).length === 4, 'four cases');
    // Fetched again from the first UID (the mark lost): the same mails, recognised by their place in the mailbox.
    await s.runtime.stop();
    await s.db.kysely.updateTable('channel_mail_fetch').set({ last_uid: 0 }).where('channel_id', '=', channelId).execute();
    s.runtime = await startChannels(s.deps, s.options);
    await eventually(async () => (await channel(channelId)).mailFetch.fetchedCount >= 8, 'fetched again', 30_000);
    const cases = await casesOf(channelId);
    expect(cases).toHaveLength(4);
    for (const c of cases) expect(await messagesOf(c.id)).toHaveLength(1);
  });

  it('wrong password or a host that does not answer: a clear error on the channel and in Test connection; the server keeps serving', async () => {
    const bad = await mailbox('starttls', 'wrong-pw');
    const ch = await eventually(async () => {
      const c = await channel(bad.channelId);
      return c.mailFetch?.lastError && c;
    }, 'the login error');
    expect(ch.mailFetch.lastError).toMatch(
      /^Login refused by 127\.0\.0\.2:\d+: Authentication failed\. Check the user name and password\.$/,
    );
    expect(ch.mailFetch.lastSuccessAt).toBeNull();
    const test = await req(s.base, admin, 'POST', `/api/v1/channels/${bad.channelId}/test-connection`);
    expect(test.status).toBe(200);
    expect(test.data.imap).toEqual({ ok: false, message: expect.stringMatching(/Login refused/) });

    const closedPort = await (await import('../test-support/dovecot.ts')).freePort();
    const nowhere = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Nowhere',
      teamId: team,
      settings: {
        address: `nowhere-${kind}@acme.test`,
        imap: { host: '127.0.0.1', port: closedPort, security: 'tls', user: 'x', password: 'y' },
      },
    });
    expect(nowhere.status).toBe(201);
    const t2 = await req(s.base, admin, 'POST', `/api/v1/channels/${nowhere.data.id}/test-connection`);
    expect(t2.data.imap).toEqual({ ok: false, message: `Connection refused by 127.0.0.1:${closedPort}` });
    await eventually(
      async () => (await channel(nowhere.data.id)).mailFetch?.lastError?.startsWith('Connection refused'),
      'the connection error',
    );

    // Fixing the password: the next check succeeds and clears the error.
    const fixed = await req(s.base, admin, 'PATCH', `/api/v1/channels/${bad.channelId}`, { settings: { imap: { password: 'secret-pw' } } });
    expect(fixed.status).toBe(200);
    await eventually(async () => {
      const c = await channel(bad.channelId);
      return c.mailFetch.lastError === null && c.mailFetch.lastSuccessAt;
    }, 'a successful check');
    const ok = await req(s.base, admin, 'POST', `/api/v1/channels/${bad.channelId}/test-connection`);
    expect(ok.data.imap).toEqual({
      ok: true,
      message: expect.stringMatching(/^Signed in to 127\.0\.0\.2:\d+; INBOX holds 0 messages; new mail is picked up at once \(IDLE\)\.$/),
    });
    expect((await req(s.base, admin, 'GET', '/api/v1/channels')).status).toBe(200);
  });

  it('refuses bad IMAP settings with the field named, and test-connection on other channels', async () => {
    const base = { type: 'email', name: 'Bad', teamId: team };
    const cases: [Record<string, unknown>, string][] = [
      [{ host: '127.0.0.1', user: 'u' }, 'settings.imap.password'],
      [{ host: '127.0.0.1', password: 'p' }, 'settings.imap.user'],
      [{ port: 993, user: 'u', password: 'p' }, 'settings.imap.host'],
      [{ host: 'bad host!', user: 'u', password: 'p' }, 'settings.imap.host'],
      [{ host: 'imap.example.com', user: 'u', password: 'p', port: '99999' }, 'settings.imap.port'],
      [{ host: 'imap.example.com', user: 'u', password: 'p', folder: 'INBOX', extra: 1 }, 'settings.imap.extra'],
    ];
    for (const [imap, field] of cases) {
      const r = await req(s.base, admin, 'POST', '/api/v1/channels', { ...base, settings: { address: `bad-${kind}@acme.test`, imap } });
      expect(r.status, JSON.stringify(imap)).toBe(400);
      expect(JSON.stringify(r.data), field).toContain(field.split('.').pop()!);
    }
    const sms = await req(s.base, admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'SMS',
      teamId: team,
      settings: { accountSid: 'AC1', phoneNumber: '+15550001', authToken: 't' },
    });
    expect((await req(s.base, admin, 'POST', `/api/v1/channels/${sms.data.id}/test-connection`)).status).toBe(409);
    expect((await req(s.base, admin, 'POST', '/api/v1/channels/00000000-0000-7000-8000-000000000000/test-connection')).status).toBe(404);
    expect((await req(s.base, null, 'POST', `/api/v1/channels/${sms.data.id}/test-connection`)).status).toBe(401);
    const agent = await makeUser(s.db, { role: 'agent', teamIds: [team] });
    expect((await req(s.base, agent, 'POST', `/api/v1/channels/${sms.data.id}/test-connection`)).status).toBe(403);
  });

  it('an internal IMAP host is refused on save unless CASEWORK_OUTBOUND_ALLOW lists it', async () => {
    const strict = await startTestApp(kind, { config: { outboundAllow: [] } });
    try {
      const t = await makeTeam(strict.db, 'T');
      const a = await makeUser(strict.db, { role: 'admin' });
      const r = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/channels',
        headers: a.headers,
        payload: {
          type: 'email',
          name: 'Local',
          teamId: t,
          settings: { address: 'x@acme.test', imap: { host: '10.0.0.5', user: 'u', password: 'p' } },
        },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().fields).toEqual([{ field: 'settings.imap.host', message: expect.stringMatching(/internal address/) }]);
    } finally {
      await strict.close();
    }
  });

  async function unseeAll(user: string) {
    const c = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapsPort,
      secure: true,
      auth: { user, pass: 'secret-pw' },
      tls: { ca: dovecot.cert },
      logger: false,
    });
    await c.connect();
    await c.mailboxOpen('INBOX');
    await c.messageFlagsRemove('1:*', ['\\Seen']);
    await c.logout();
  }
});

describe.skipIf(dovecotMissing !== null || !DB_KINDS.includes('postgres'))('two server processes fetching one mailbox (postgres)', () => {
  it('create each case exactly once', async () => {
    dovecot ??= await startDovecot();
    const a = await startChannelServer('postgres', { config: { mailCa: dovecot.cert }, channel: fast });
    const b = await startTestApp('postgres', { attachTo: a.databaseUrl, config: { mailCa: dovecot.cert } });
    const runtimeB = await startChannels(b.deps, { ...a.options, smtp: null });
    try {
      const team = await makeTeam(a.db, 'Mail team');
      const admin = await makeUser(a.db, { role: 'admin' });
      const user = `shared-${++userSeq}@acme.test`;
      await dovecot.addUser(user, 'secret-pw');
      const n = 30;
      await dovecot.append(
        user,
        'secret-pw',
        Array.from({ length: n }, (_, i) => plainMail(user, `two-${i}`)),
      );
      const ch = await req(a.base, admin, 'POST', '/api/v1/channels', {
        type: 'email',
        name: 'Shared',
        teamId: team,
        settings: {
          address: user,
          imap: { host: dovecot.host, port: dovecot.imapPort, security: 'starttls', user, password: 'secret-pw' },
        },
      });
      expect(ch.status).toBe(201);
      b.deps.outbound.kickMailFetch();
      await dovecot.append(
        user,
        'secret-pw',
        Array.from({ length: n }, (_, i) => plainMail(user, `two-late-${i}`)),
      );
      const count = async () =>
        Number(
          (
            await a.db.kysely
              .selectFrom('case_channels')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('channel_id', '=', ch.data.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      await eventually(async () => (await count()) === 2 * n, 'every mail as a case', 30_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(await count()).toBe(2 * n);
      const subjects = await a.db.kysely.selectFrom('cases').select('subject').execute();
      expect(new Set(subjects.map((x) => x.subject)).size).toBe(subjects.length);
    } finally {
      await runtimeB.stop();
      await b.close();
      await a.close();
    }
  });
});

describe.skipIf(dovecotMissing !== null || !DB_KINDS.includes('postgres'))(
  'a server process killed in the middle of a fetch (postgres)',
  () => {
    it('another process takes the mailbox over once the lease lapses: every mail once', async () => {
      dovecot ??= await startDovecot();
      const t = await startTestApp('postgres', { config: { mailCa: dovecot.cert } });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-kill-'));
      fs.writeFileSync(path.join(dir, 'ca.pem'), dovecot.cert);
      let child: ChildProcess | undefined;
      let runtime: Awaited<ReturnType<typeof startChannels>> | undefined;
      try {
        const team = await makeTeam(t.db, 'Mail team');
        const admin = await makeUser(t.db, { role: 'admin' });
        const user = `killed-${++userSeq}@acme.test`;
        await dovecot.addUser(user, 'secret-pw');
        const n = 150;
        await dovecot.append(
          user,
          'secret-pw',
          Array.from({ length: n }, (_, i) => plainMail(user, `kill-${i}`)),
        );
        const ch = await t.app.inject({
          method: 'POST',
          url: '/api/v1/channels',
          headers: admin.headers,
          payload: {
            type: 'email',
            name: 'Killed',
            teamId: team,
            settings: {
              address: user,
              imap: { host: dovecot.host, port: dovecot.imapPort, security: 'starttls', user, password: 'secret-pw' },
            },
          },
        });
        expect(ch.statusCode).toBe(201);
        const channelId = ch.json().id as string;
        const count = async () =>
          Number(
            (
              await t.db.kysely
                .selectFrom('case_channels')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('channel_id', '=', channelId)
                .executeTakeFirstOrThrow()
            ).n,
          );
        // The real server command, as an operator runs it, fetching into the same database.
        child = spawn(process.execPath, [path.join(ROOT, 'bin/casework.mjs'), 'serve'], {
          cwd: ROOT,
          stdio: 'ignore',
          env: {
            ...process.env,
            PORT: String(await freePort()),
            HOST: '127.0.0.1',
            DATABASE_URL: t.databaseUrl,
            CASEWORK_DEMO: '0',
            CASEWORK_SMTP_PORT: '0',
            LOG_LEVEL: 'warn',
            CASEWORK_MAIL_CA_FILE: path.join(dir, 'ca.pem'),
            CASEWORK_OUTBOUND_ALLOW: '127.0.0.0/8',
            CASEWORK_IMAP_SCAN_MS: '200',
            CASEWORK_IMAP_LEASE_MS: '3000',
          },
        });
        await eventually(async () => (await count()) >= 10, 'the server process to start taking mail', 120_000);
        child.kill('SIGKILL');
        await new Promise((r) => child!.once('exit', r));
        const atKill = await count();
        runtime = await startChannels(t.deps, readChannelOptions({}, '127.0.0.1', { smtp: null, ...fast }));
        await eventually(async () => (await count()) >= n, 'every mail as a case', 60_000);
        await new Promise((r) => setTimeout(r, 500));
        expect(atKill).toBeLessThanOrEqual(n);
        expect(await count()).toBe(n);
        const subjects = await t.db.kysely.selectFrom('cases').select('subject').execute();
        expect(new Set(subjects.map((x) => x.subject)).size).toBe(n);
      } finally {
        child?.kill('SIGKILL');
        await runtime?.stop();
        await t.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000); // its own waits allow up to 3 minutes (a server process starting on a busy machine)
  },
);

afterAll(async () => {
  await dovecot?.stop();
});
