import { LIMITS, isChatType } from '@casework/domain';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { RouteModule } from './route-types.ts';
import { cleanText } from '../channels/clean-text.ts';
import { Content, EventStream, Nullable, Text, problems } from './schemas.ts';
import { pathId } from './ids.ts';
import { invalid, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { findChannelByKey } from '../db/repos/channels.ts';
import { authenticateChat, chatMessages, chatState, findChatAttachment } from '../db/repos/chat-sessions.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { endChat, rateChat, sendChatMessage, startChat } from '../use-cases/customer-chat.ts';
import { ChatStreams, type ChatListener } from '../channels/chat/chat-stream.ts';
import { announceCustomerTyping } from '../channels/chat/chat-typing.ts';
import { refuseUpload, uploadedFile } from './attachments.routes.ts';
import { isInlineImage, sendAttachment } from './attachment-response.ts';
import { sniffType } from '../attachments/sniff.ts';
import { tooLarge } from '../use-cases/upload-attachment.ts';

const tags = ['chat (public)'];
const SessionParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
const TokenQuery = Type.Object(
  { token: Type.Optional(Type.String({ maxLength: 200 })), after: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
const MessageJson = Type.Object({
  id: Type.String(),
  body: Type.String(),
  from: Type.String(),
  authorName: Nullable(Type.String()),
  createdAt: Type.String(),
  attachments: Type.Array(
    Type.Object({
      id: Type.String({ description: 'GET /api/v1/chat/sessions/:id/attachments/:attachmentId (with the chat token) serves it' }),
      name: Type.String(),
      contentType: Type.String({ description: 'Sniffed from the bytes' }),
      size: Type.Integer(),
    }),
  ),
});
const StateJson = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  reference: Type.String(),
  status: Type.String(),
  ended: Type.Boolean(),
  rated: Type.Boolean(),
  rating: Nullable(Type.Object({ stars: Type.Integer(), note: Nullable(Type.String()) })),
  agent: Nullable(
    Type.Object(
      { name: Type.String({ description: 'First name only' }) },
      { description: 'The agent who has joined the chat (its case was claimed or assigned); null until then' },
    ),
  ),
});
const Rating = { stars: Type.Integer({ minimum: 1, maximum: 5 }), note: Type.Optional(Nullable(Text(2000))) };

const tokenOf = (req: FastifyRequest) => {
  const h = req.headers['x-chat-token'];
  return (typeof h === 'string' ? h : undefined) ?? (req.query as { token?: string }).token;
};
const session = (deps: Parameters<RouteModule>[1], req: FastifyRequest<{ Params: { id: string } }>) =>
  authenticateChat(deps, pathId(req.params.id, 'Chat'), tokenOf(req));
const afterOf = (after: string | undefined) => {
  if (after !== undefined && !isUuid(after)) throw invalid([{ field: 'after', message: 'must be a message id' }]);
  return after?.toLowerCase() ?? null;
};

/** Per chat (or per address before a chat exists): a customer cannot flood agents. */
const perChat = (max: number) => ({
  rateLimit: { max, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => `chat:${(req.params as { id?: string }).id ?? req.ip}` },
});

/**
 * The public chat API behind the web widget and the SDK: authenticated by the channel's public
 * key (to start) and then by the chat's own secret token.
 */
export const chatRoutes: RouteModule = (app, deps) => {
  const streams = new ChatStreams(deps);
  app.addHook('preClose', async () => streams.stop());
  // Any website may embed the widget: the chat API answers cross-origin calls (no cookies are involved).
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/api/v1/chat/')) {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-allow-headers', 'content-type, x-chat-token, last-event-id');
      reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      reply.header('access-control-expose-headers', 'retry-after');
      reply.header('access-control-max-age', '600');
    }
  });
  app.options('/api/v1/chat/*', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.status(204).send(),
  );

  app.get(
    '/api/v1/chat/channels/:key',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'What a chat widget shows for a channel key',
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            type: Type.String(),
            name: Type.String(),
            title: Type.String(),
            greeting: Nullable(Type.String()),
            color: Nullable(Type.String()),
          }),
          ...problems(404),
        },
      },
    },
    async (req) => {
      const ch = await findChannelByKey(deps.db.kysely, req.params.key);
      if (!ch || !isChatType(ch.type)) throw notFound('Chat channel');
      return {
        type: ch.type,
        name: ch.name,
        title: ch.settings.title ?? ch.name,
        greeting: ch.settings.greeting ?? null,
        color: ch.settings.color ?? null,
      };
    },
  );

  app.post(
    '/api/v1/chat/sessions',
    {
      config: { permission: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: "Start a chat: creates a case on the channel's team; answers the chat token (shown once)",
        body: Type.Object(
          {
            channelKey: Text(100, 1),
            name: Text(LIMITS.customerName, 1),
            email: Type.String({ format: 'email', maxLength: LIMITS.email }),
            message: Text(LIMITS.chatMessage, 1),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([StateJson, Type.Object({ token: Type.String() })]), ...problems(400, 404, 429) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (!b.name.trim() || !b.message.trim())
        throw invalid([{ field: !b.name.trim() ? 'name' : 'message', message: 'must not be blank' }]);
      const chat = await startChat(deps, b.channelKey, { name: b.name.trim(), email: b.email.trim(), message: b.message.trim() });
      return reply.status(201).send(chat);
    },
  );

  app.get(
    '/api/v1/chat/sessions/:id',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: "The chat's state and messages",
        params: SessionParams,
        querystring: TokenQuery,
        response: { 200: Type.Intersect([StateJson, Type.Object({ messages: Type.Array(MessageJson) })]), ...problems(401, 404) },
      },
    },
    async (req) => {
      const s = await session(deps, req);
      const state = await chatState(deps, s.id);
      return { ...state, messages: await chatMessages(deps, state.caseId, afterOf(req.query.after)) };
    },
  );

  app.get(
    '/api/v1/chat/sessions/:id/messages',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: 'Messages after a given one (polling alternative to the stream)',
        params: SessionParams,
        querystring: TokenQuery,
        response: { 200: Type.Object({ messages: Type.Array(MessageJson) }), ...problems(400, 401, 404) },
      },
    },
    async (req) => {
      const s = await session(deps, req);
      return { messages: await chatMessages(deps, (await chatState(deps, s.id)).caseId, afterOf(req.query.after)) };
    },
  );

  app.post(
    '/api/v1/chat/sessions/:id/messages',
    {
      config: { permission: 'public', textInput: 'strip', ...perChat(60) },
      schema: {
        tags,
        summary: 'The customer writes (clientMessageId makes a resend idempotent)',
        params: SessionParams,
        querystring: TokenQuery,
        body: Type.Object(
          { body: Text(LIMITS.chatMessage, 1), clientMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
          { additionalProperties: false },
        ),
        response: { 201: MessageJson, ...problems(400, 401, 404, 429) },
      },
    },
    async (req, reply) => {
      const s = await session(deps, req);
      const text = cleanText(req.body.body).trim();
      if (!text) throw invalid([{ field: 'body', message: 'must not be blank' }]);
      return reply.status(201).send(await sendChatMessage(deps, s, text, req.body.clientMessageId ?? null));
    },
  );

  app.post(
    '/api/v1/chat/sessions/:id/typing',
    {
      config: { permission: 'public', ...perChat(40) },
      schema: {
        tags,
        summary: 'The customer is typing (send at most every few seconds while they type): agents who can see the case are told live',
        description: 'Not stored. Agents show "typing" for a few seconds after each signal. Nothing is sent once the chat has ended.',
        params: SessionParams,
        querystring: TokenQuery,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 204: Type.Null(), ...problems(401, 404, 429) },
      },
    },
    async (req, reply) => {
      const s = await session(deps, req);
      const state = await chatState(deps, s.id);
      const c = state.ended ? null : await findCaseView(deps.db.kysely, state.caseId);
      if (c) await announceCustomerTyping(deps.db, c, deps.clock.now());
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/chat/sessions/:id/attachments',
    {
      config: { permission: 'public', multipart: 'any-site', ...perChat(20) },
      schema: {
        tags,
        summary: 'The customer sends a picture (multipart/form-data, field `file`): a PNG, JPEG, GIF or WebP image',
        description:
          "At most the organisation's `maxAttachmentBytes` (413). The type is sniffed from the bytes; anything but those " +
          'images is 400 and nothing is kept. Answers the new message, the picture as its attachment.',
        consumes: ['multipart/form-data'],
        params: SessionParams,
        querystring: TokenQuery,
        response: { 201: MessageJson, ...problems(400, 401, 404, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      const s = await session(deps, req);
      const { part, cap } = await uploadedFile(deps, req, reply);
      const chunks: Buffer[] = [];
      let size = 0;
      // Read by hand (for-await would destroy the stream when we stop): the rest of a body over the
      // cap must drain so that the 413 reaches the client.
      const source = part.file[Symbol.asyncIterator]();
      for (let next = await source.next(); !next.done; next = await source.next()) {
        const chunk = next.value as Buffer;
        size += chunk.length;
        if (size > cap) {
          part.file.resume();
          throw refuseUpload(reply, tooLarge(cap));
        }
        chunks.push(chunk);
      }
      const bytes = Buffer.concat(chunks, size);
      if (size === 0) throw invalid([{ field: 'file', message: 'is empty' }]);
      const contentType = await sniffType(bytes);
      if (!isInlineImage(contentType))
        throw invalid([{ field: 'file', message: 'must be a PNG, JPEG, GIF or WebP image' }], 'Only pictures can be sent in a chat.');
      const filename =
        cleanText(part.filename ?? '')
          .trim()
          .slice(0, 255) || null;
      const file = { filename, contentType, size, contentBase64: bytes.toString('base64') };
      return reply.status(201).send(await sendChatMessage(deps, s, '', null, [file]));
    },
  );

  app.get(
    '/api/v1/chat/sessions/:id/attachments/:attachmentId',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary: "A picture or file of the chat's conversation (the customer's own, or an agent's reply's); never an internal note's",
        description: 'Images are shown in place (inline); any other file is a download served as application/octet-stream.',
        params: Type.Object(
          { id: Type.String({ maxLength: 64 }), attachmentId: Type.String({ maxLength: 64 }) },
          { additionalProperties: false },
        ),
        querystring: TokenQuery,
        response: { 200: Content('*/*', 'The file'), ...problems(401, 404) },
      },
    },
    async (req, reply) => {
      const s = await session(deps, req);
      const state = await chatState(deps, s.id);
      const a = await findChatAttachment(deps, state.caseId, pathId(req.params.attachmentId, 'Attachment'));
      if (!a) throw notFound('Attachment');
      return sendAttachment(deps, reply, a, true);
    },
  );

  app.post(
    '/api/v1/chat/sessions/:id/end',
    {
      config: { permission: 'public', ...perChat(20) },
      schema: {
        tags,
        summary: 'The customer ends the chat (case resolved, completed); a rating may come along',
        params: SessionParams,
        querystring: TokenQuery,
        body: Type.Object({ stars: Type.Optional(Rating.stars), note: Rating.note }, { additionalProperties: false }),
        response: { 200: StateJson, ...problems(400, 401, 404, 409) },
      },
    },
    async (req) => {
      const s = await session(deps, req);
      const stars = req.body.stars;
      return endChat(deps, s, stars === undefined ? null : { stars, note: req.body.note ?? null });
    },
  );

  app.post(
    '/api/v1/chat/sessions/:id/rating',
    {
      config: { permission: 'public', ...perChat(20) },
      schema: {
        tags,
        summary: 'The customer rates the ended chat 1–5 (case closed with the rating)',
        params: SessionParams,
        querystring: TokenQuery,
        body: Type.Object(Rating, { additionalProperties: false }),
        response: { 200: StateJson, ...problems(400, 401, 404, 409) },
      },
    },
    async (req) => rateChat(deps, await session(deps, req), { stars: req.body.stars, note: req.body.note ?? null }),
  );

  app.get(
    '/api/v1/chat/sessions/:id/stream',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        summary:
          'Server-sent events: `message` (agent replies and own messages), `state` (status, the agent who joined) and `typing` (`{name}`: an agent is typing; show it for a few seconds)',
        params: SessionParams,
        querystring: TokenQuery,
        response: { 200: EventStream, ...problems(401, 404) },
      },
    },
    async (req, reply) => {
      const s = await session(deps, req);
      const lastEventId = req.headers['last-event-id'];
      const after = afterOf(typeof lastEventId === 'string' && lastEventId ? lastEventId : req.query.after);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'access-control-allow-origin': '*',
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 1500\n: connected\n\n');
      const listener: ChatListener = {
        sessionId: s.id,
        caseId: s.caseId,
        lastMessageId: after,
        send: (event, data) => {
          res.write(
            `${event === 'message' ? `id: ${(data as { id: string }).id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
          );
        },
        close: () => res.end(),
      };
      const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
      let remove: (() => void) | null = null;
      req.raw.on('close', () => {
        clearInterval(heartbeat);
        remove?.();
        remove = () => {};
      });
      const r = await streams.add(listener).catch((err) => {
        req.log.warn({ err }, 'chat stream failed');
        res.end();
        return null;
      });
      if (remove) r?.();
      else remove = r;
    },
  );
};
