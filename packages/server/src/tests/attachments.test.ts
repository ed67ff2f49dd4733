import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseDisposition } from 'content-disposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, listenOnLoopback, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { http as req } from '../test-support/channel-harness.ts';
import { removeAbandonedUploads } from '../use-cases/upload-attachment.ts';
import { storedPieces } from '../test-support/stored-bytes.ts';
import { removeOrphanFiles } from '../attachments/store.ts';
import { writeFile } from '../attachments/file-store.ts';

/** A 1×1 PNG. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

type Upload = { id: string; name: string; contentType: string; size: number; url: string | null };

/**
 * SPEC §13 attachments: uploads streamed into the database, the organisation's cap (413, nothing
 * kept), the type sniffed from the bytes, an unsent upload readable by its uploader only, files
 * attached to replies and notes by id or sent with the message as multipart, downloads with the
 * case's visibility and safe headers.
 */
describe.each(DB_KINDS)('attachments (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let base: string;
  let caseA: string;
  let caseB: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
    base = await listenOnLoopback(t);
    caseA = await seedCase(t.db, { teamId: o.teamA, type: 'platform', createdAt: new Date(), subject: 'Team A case' });
    caseB = await seedCase(t.db, { teamId: o.teamB, type: 'platform', createdAt: new Date(), subject: 'Team B case' });
  }, 240_000);
  afterAll(async () => t?.close(), 60_000);

  const form = (files: { name: string; bytes: Buffer; type?: string; field?: string }[], fields: Record<string, string> = {}) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    for (const file of files)
      f.append(file.field ?? 'file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
    return f;
  };
  const send = async (user: TestUser | null, path: string, body: FormData | string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...(user?.headers ?? {}), ...headers }, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, data: text ? JSON.parse(text) : null };
  };
  const upload = async (user: TestUser, name: string, bytes: Buffer, type?: string) => {
    const r = await send(user, '/api/v1/uploads', form([{ name, bytes, type }]));
    expect(r.status, JSON.stringify(r.data)).toBe(201);
    return r.data as Upload;
  };
  const download = (user: TestUser | null, id: string, query = '') =>
    fetch(`${base}/api/v1/attachments/${id}${query}`, { headers: user?.headers ?? {} });
  const storedCount = () => storedPieces(t.db);

  it('uploads a file, sniffs its type from the bytes, and lets only the uploader read it before it is sent', async () => {
    const a = await upload(o.agent, 'photo.txt', PIXEL, 'text/plain');
    expect(a).toMatchObject({ name: 'photo.txt', contentType: 'image/png', size: PIXEL.length, url: `/api/v1/attachments/${a.id}` });
    const own = await download(o.agent, a.id);
    expect(own.status).toBe(200);
    expect(Buffer.from(await own.arrayBuffer())).toEqual(PIXEL);
    // A teammate, an administrator and nobody: not found (not sent yet, so not theirs to see).
    for (const u of [o.agent2, o.admin]) expect((await download(u, a.id)).status).toBe(404);
    expect((await download(null, a.id)).status).toBe(401);

    const script = await upload(o.agent, 'invoice.pdf', Buffer.from('<script>alert(1)</script>'), 'application/pdf');
    expect(script.contentType).toBe('text/plain');
    const binary = await upload(o.agent, 'notes.txt', Buffer.from([0, 1, 2, 3, 0xff, 0xfe]), 'text/plain');
    expect(binary.contentType).toBe('application/octet-stream');
    const pdf = await upload(o.agent, 'scan', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), 'image/png');
    expect(pdf.contentType).toBe('application/pdf');
  });

  it('refuses a file over the organisation cap with 413 and keeps nothing; the cap is a setting', async () => {
    const patched = await req(base, o.admin, 'PATCH', '/api/v1/organisation', { maxAttachmentBytes: 64 * 1024 });
    expect(patched.status).toBe(200);
    expect(patched.data.maxAttachmentBytes).toBe(64 * 1024);
    expect((await req(base, o.agent, 'PATCH', '/api/v1/organisation', { maxAttachmentBytes: 2048 })).status).toBe(403);
    expect((await req(base, o.admin, 'PATCH', '/api/v1/organisation', { maxAttachmentBytes: 10 })).status).toBe(400);
    try {
      const rows = await t.db.kysely.selectFrom('message_attachments').select('id').execute();
      const chunks = await storedCount();
      // Announced too large (Content-Length) and found too large while streaming (just over the cap).
      for (const size of [3 * 1024 * 1024, 64 * 1024 + 1]) {
        const r = await send(o.agent, '/api/v1/uploads', form([{ name: 'big.bin', bytes: Buffer.alloc(size, 7) }]));
        expect(r.status).toBe(413);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.data).toMatchObject({ code: 'payload_too_large', maxBytes: 64 * 1024 });
      }
      // The same through a message sent as multipart.
      const m = await send(
        o.agent,
        `/api/v1/cases/${caseA}/messages`,
        form([{ name: 'big.bin', bytes: Buffer.alloc(70_000, 1), field: 'files[]' }], { body: 'see file', internal: 'true' }),
      );
      expect(m.status).toBe(413);
      expect((await t.db.kysely.selectFrom('message_attachments').select('id').execute()).length).toBe(rows.length);
      expect(await storedCount()).toBe(chunks);
      // Exactly at the cap is fine.
      expect((await upload(o.agent, 'fits.bin', Buffer.alloc(64 * 1024, 3))).size).toBe(64 * 1024);
    } finally {
      await req(base, o.admin, 'PATCH', '/api/v1/organisation', { maxAttachmentBytes: 25 * 1024 * 1024 });
    }
  });

  it('attaches uploads to a note and a reply by id; the case decides who reads them from then on', async () => {
    const a = await upload(o.agent, 'screenshot.png', PIXEL);
    const b = await upload(o.agent, 'log.txt', Buffer.from('line one\nline two\n'));
    const note = await req(base, o.agent, 'POST', `/api/v1/cases/${caseA}/messages`, {
      body: '',
      internal: true,
      attachmentIds: [a.id, b.id],
    });
    expect(note.status, JSON.stringify(note.data)).toBe(201);
    expect(note.data.attachments.map((x: Upload) => [x.id, x.name, x.contentType])).toEqual([
      [a.id, 'screenshot.png', 'image/png'],
      [b.id, 'log.txt', 'text/plain'],
    ]);
    const list = await req(base, o.agent2, 'GET', `/api/v1/cases/${caseA}/messages`);
    expect(list.data.messages.at(-1).attachments.map((x: Upload) => x.id)).toEqual([a.id, b.id]);
    // The answer to the post lists them as every later read does.
    expect(list.data.messages.at(-1).attachments).toEqual(note.data.attachments);
    // Teammates and the administrator now read it; another team's agent does not.
    expect((await download(o.agent2, a.id)).status).toBe(200);
    expect((await download(o.admin, b.id)).status).toBe(200);
    expect((await download(o.agentB, a.id)).status).toBe(404);
    // Sent once: it cannot be attached again, and nobody else's upload can be taken.
    const again = await req(base, o.agent, 'POST', `/api/v1/cases/${caseA}/messages`, { body: 'again', attachmentIds: [a.id] });
    expect(again.status).toBe(400);
    expect(again.data.fields[0].field).toBe('attachmentIds');
    const theirs = await upload(o.agent2, 'theirs.txt', Buffer.from('mine'));
    const stolen = await req(base, o.agent, 'POST', `/api/v1/cases/${caseA}/messages`, { body: 'x', attachmentIds: [theirs.id] });
    expect(stolen.status).toBe(400);
    expect((await req(base, o.agent, 'GET', `/api/v1/cases/${caseA}/messages`)).data.messages.at(-1).id).toBe(note.data.id);
    // A case the uploader cannot see: 404, and the upload stays theirs, unsent.
    const hidden = await req(base, o.agent, 'POST', `/api/v1/cases/${caseB}/messages`, { body: 'x', attachmentIds: [theirs.id] });
    expect(hidden.status).toBe(404);
    expect((await download(o.agent2, theirs.id)).status).toBe(200);
    // A blank body needs files.
    expect((await req(base, o.agent, 'POST', `/api/v1/cases/${caseA}/messages`, { body: '  ' })).status).toBe(400);
  });

  it('takes a reply with files as multipart/form-data, each file streamed and sniffed', async () => {
    const r = await send(
      o.agent,
      `/api/v1/cases/${caseA}/messages`,
      form(
        [
          { name: 'one.png', bytes: PIXEL, type: 'image/png', field: 'files[]' },
          { name: 'two.csv', bytes: Buffer.from('a,b\n1,2\n'), type: 'text/csv', field: 'files[]' },
        ],
        { body: 'Here are both files', internal: 'false' },
      ),
    );
    expect(r.status, JSON.stringify(r.data)).toBe(201);
    expect(r.data).toMatchObject({ body: 'Here are both files', internal: false, direction: 'outbound' });
    expect(r.data.attachments.map((x: Upload) => [x.name, x.contentType, x.size])).toEqual([
      ['one.png', 'image/png', PIXEL.length],
      ['two.csv', 'text/plain', 8],
    ]);
    expect((await download(o.agent2, r.data.attachments[1].id)).status).toBe(200);
    const bad = await send(o.agent, `/api/v1/cases/${caseA}/messages`, form([], { body: 'x', internal: 'maybe' }));
    expect(bad.status).toBe(400);
    expect(bad.data.fields[0].field).toBe('internal');
  });

  it('serves downloads as attachments with nosniff and a sandbox; only raster images inline', async () => {
    const img = await upload(o.agent, '../../etc/shot.png', PIXEL);
    const html = await upload(o.agent, 'page.html', Buffer.from('<html><body onload="alert(1)">hi</body></html>'), 'text/html');
    await req(base, o.agent, 'POST', `/api/v1/cases/${caseA}/messages`, {
      body: 'files',
      internal: true,
      attachmentIds: [img.id, html.id],
    });
    const d = await download(o.agent2, img.id);
    expect(d.headers.get('content-type')).toBe('image/png');
    expect(d.headers.get('x-content-type-options')).toBe('nosniff');
    expect(d.headers.get('content-security-policy')).toContain('sandbox');
    expect(d.headers.get('content-length')).toBe(String(PIXEL.length));
    expect(parseDisposition(d.headers.get('content-disposition')!)).toMatchObject({
      type: 'attachment',
      parameters: { filename: 'shot.png' },
    });
    const inline = await download(o.agent2, img.id, '?disposition=inline');
    expect(parseDisposition(inline.headers.get('content-disposition')!).type).toBe('inline');
    const page = await download(o.agent2, html.id, '?disposition=inline');
    expect(page.headers.get('content-type')).toBe('application/octet-stream');
    expect(parseDisposition(page.headers.get('content-disposition')!).type).toBe('attachment');
    expect((await download(o.agent2, '01890000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await download(o.agent2, 'not-an-id')).status).toBe(404);
  });

  it('streams a multi-chunk file in and out unchanged', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 9)) & 0xff;
    const a = await upload(o.agent, 'big.bin', big);
    expect(a.size).toBe(big.length);
    const chunks = await t.db.kysely.selectFrom('attachment_chunks').select('seq').where('attachment_id', '=', a.id).execute();
    const row = await t.db.kysely
      .selectFrom('message_attachments')
      .select(['file_path', 'sha256', 'size'])
      .where('id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(row.sha256).toBe(createHash('sha256').update(big).digest('hex'));
    if (t.db.filesDir) {
      // The embedded database keeps the bytes as a file in its files folder, not in its rows.
      expect(chunks).toEqual([]);
      expect(row.file_path).toBe(`${a.id.slice(-2)}/${a.id}`);
      expect(fs.readFileSync(path.join(t.db.filesDir, row.file_path!)).equals(big)).toBe(true);
    } else {
      expect(chunks.length).toBe(4);
      expect(row.file_path).toBeNull();
    }
    const back = Buffer.from(await (await download(o.agent, a.id)).arrayBuffer());
    expect(back.equals(big)).toBe(true);
  });

  it('removes uploads never sent after three days, never a sent one', async () => {
    const unsent = await upload(o.agent, 'draft.txt', Buffer.from('draft'));
    const sent = await upload(o.agent, 'sent.txt', Buffer.from('sent'));
    await req(base, o.agent, 'POST', `/api/v1/cases/${caseA}/messages`, { body: 'n', internal: true, attachmentIds: [sent.id] });
    const later = { now: () => new Date(Date.now() + 3 * 24 * 3600 * 1000 + 60_000) };
    expect(await removeAbandonedUploads({ db: t.db, clock: later })).toBeGreaterThanOrEqual(1);
    expect((await download(o.agent, unsent.id)).status).toBe(404);
    expect(await t.db.kysely.selectFrom('attachment_chunks').select('seq').where('attachment_id', '=', unsent.id).execute()).toEqual([]);
    if (t.db.filesDir) {
      expect(fs.existsSync(path.join(t.db.filesDir, `${unsent.id.slice(-2)}/${unsent.id}`))).toBe(false);
      expect(fs.existsSync(path.join(t.db.filesDir, `${sent.id.slice(-2)}/${sent.id}`))).toBe(true);
    }
    expect((await download(o.agent, sent.id)).status).toBe(200);
  });

  it.runIf(kind === 'pglite')('removes files whose row is gone once past the grace period, never a kept one', async () => {
    const root = t.db.filesDir!;
    const kept = await upload(o.agent, 'kept.txt', Buffer.from('kept'));
    // A transaction that wrote its file and then rolled back: a file named by an id no row has.
    const stray = await writeFile(root, '01890000-0000-7000-8000-0000000000ab', [Buffer.from('stray')]);
    const partial = path.join(root, 'cd', '01890000-0000-7000-8000-0000000000cd.partial-1234');
    fs.mkdirSync(path.dirname(partial), { recursive: true });
    fs.writeFileSync(partial, 'cut off');
    expect(await removeOrphanFiles(t.db, new Date())).toBe(0);
    expect(await removeOrphanFiles(t.db, new Date(Date.now() + 11 * 60_000))).toBeGreaterThanOrEqual(2);
    expect(fs.existsSync(path.join(root, stray.path))).toBe(false);
    expect(fs.existsSync(partial)).toBe(false);
    expect(Buffer.from(await (await download(o.agent, kept.id)).arrayBuffer()).toString()).toBe('kept');
  });

  it('refuses uploads from viewers (403), without a file (400) and not as multipart (415)', async () => {
    const v = await send(o.viewer, '/api/v1/uploads', form([{ name: 'a.txt', bytes: Buffer.from('x') }]));
    expect(v.status).toBe(403);
    expect((await send(o.agent, '/api/v1/uploads', form([], { note: 'no file' }))).status).toBe(400);
    const json = await send(o.agent, '/api/v1/uploads', '{}', { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
  });
});
