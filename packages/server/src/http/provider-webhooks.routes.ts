import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { RouteModule } from './route-types.ts';
import type { Deps } from '../deps.ts';
import { pathId } from './ids.ts';
import { Content, problems } from './schemas.ts';
import { Problem, invalid, notFound } from '../errors.ts';
import { channelSecrets, findChannel, type ChannelRecord } from '../db/repos/channels.ts';
import { verifyTwilioSignature, type FormParams } from '../channels/sms/twilio-signature.ts';
import { smsFieldErrors, smsPayload } from '../channels/sms/sms-inbound.ts';
import { fetchSmsMedia } from '../channels/sms/sms-media.ts';
import {
  DEFAULT_GREETING,
  EMPTY_TWIML,
  callPayload,
  callStatusPayload,
  greetingTwiml,
  voiceFieldErrors,
} from '../channels/voice/voice-inbound.ts';
import { receiveCustomerMessage } from '../use-cases/receive-customer-message.ts';

const Params = Type.Object({ channelId: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

/** The channel named in the path, of the expected type, with a valid provider signature (else 404/403). */
async function signedChannel(
  deps: Deps,
  req: FastifyRequest<{ Params: { channelId: string } }>,
  type: 'sms' | 'phone',
): Promise<ChannelRecord> {
  const ch = await findChannel(deps.db.kysely, pathId(req.params.channelId, 'Channel'));
  if (!ch || ch.type !== type || !ch.active) throw notFound('Channel');
  const { authToken } = await channelSecrets(deps.db.kysely, ch);
  if (!authToken || !verifyTwilioSignature(req, authToken, deps.config.publicUrl)) {
    throw new Problem(403, 'forbidden', 'Invalid signature', 'The X-Twilio-Signature header is missing or does not match.', {
      action: 'webhook',
    });
  }
  return ch;
}

const form = (req: FastifyRequest) => (req.body && typeof req.body === 'object' ? req.body : {}) as FormParams;
const schema = (summary: string) => ({
  tags: ['channels'],
  summary,
  params: Params,
  hide: false,
  response: { 200: Content('text/xml', 'TwiML'), ...problems(403) },
});

export const providerWebhookRoutes: RouteModule = (app, deps) => {
  app.post(
    '/webhooks/sms/:channelId',
    {
      config: { permission: 'public', textInput: 'strip' },
      schema: schema('Inbound SMS (Twilio-compatible form, signed with X-Twilio-Signature); answers empty TwiML'),
    },
    async (req, reply) => {
      const ch = await signedChannel(deps, req, 'sms');
      const errors = smsFieldErrors(form(req));
      if (errors.length) throw invalid(errors);
      const media = await fetchSmsMedia(deps, ch, form(req));
      const { providerId, payload } = smsPayload(form(req), media.lines);
      await receiveCustomerMessage(deps, ch, providerId, { ...payload, attachments: media.attachments });
      return reply.status(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML);
    },
  );

  app.post(
    '/webhooks/voice/:channelId',
    {
      config: { permission: 'public', textInput: 'strip' },
      schema: schema('Inbound call (Twilio-compatible voice webhook): creates a phone case, answers TwiML'),
    },
    async (req, reply) => {
      const ch = await signedChannel(deps, req, 'phone');
      const errors = voiceFieldErrors(form(req));
      if (errors.length) throw invalid(errors);
      const { providerId, payload } = callPayload(form(req));
      await receiveCustomerMessage(deps, ch, providerId, payload);
      return reply
        .status(200)
        .type('text/xml; charset=utf-8')
        .send(greetingTwiml(ch.settings.greeting ?? DEFAULT_GREETING));
    },
  );

  app.post(
    '/webhooks/voice/:channelId/status',
    {
      config: { permission: 'public', textInput: 'strip' },
      schema: schema("Call status callback (CallSid, CallStatus, CallDuration, RecordingUrl): noted on the call's case"),
    },
    async (req, reply) => {
      const ch = await signedChannel(deps, req, 'phone');
      const p = form(req);
      if (!p.CallSid) throw invalid([{ field: 'CallSid', message: 'is required' }]);
      const { providerId, payload } = callStatusPayload(p);
      await receiveCustomerMessage(deps, ch, providerId, payload);
      return reply.status(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML);
    },
  );
};
