import fs from 'node:fs';
import path from 'node:path';
import Fastify, { LogController } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler, registerAjvFormats, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import secureJson from 'secure-json-parse';
import type { Deps } from './deps.ts';
import type { App } from './http/route-types.ts';
import { installAuth, SESSION_COOKIE } from './http/auth-hook.ts';
import { frameworkError, installProblems } from './http/problems.ts';
import { installAnswers } from './http/answers.ts';
import { installServerTiming } from './http/server-timing.ts';
import { installSecurityHeaders } from './http/security-headers.ts';
import { decodeBody, installTextGuard } from './http/text-guard.ts';
import { ROUTE_MODULES } from './http/routes.ts';
import { sha256 } from './ids.ts';
import { PROBE_PATHS } from './process-state.ts';

export const BODY_LIMIT = 1024 * 1024;

registerAjvFormats();

/** Builds the HTTP application over the given adapters (main.ts and the tests both use it). */
export async function buildApp(deps: Deps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log,
    bodyLimit: BODY_LIMIT,
    trustProxy: deps.config.trustProxy,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: frameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // First, so that every later hook and the statements they run are measured.
  installServerTiming(app);
  app.addHook('onRequest', async (req) => {
    if (!PROBE_PATHS.has(req.url.split('?')[0]!)) deps.state.lastRequestAt = Date.now();
  });

  // JSON bodies: an empty body is "no body"; prototype pollution is refused.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    let text: string;
    try {
      text = decodeBody(body);
    } catch (err) {
      return done(err as Error, undefined);
    }
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      const e = err as Error & { statusCode?: number; code?: string };
      e.statusCode = 400;
      e.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(e, undefined);
    }
  });

  installSecurityHeaders(app, { hsts: deps.config.secureCookies });
  await app.register(cookie);
  await app.register(formbody);
  // Files are streamed by the routes that take them (req.file / req.parts), never buffered here.
  await app.register(multipart, { throwFileSizeLimit: false });
  await app.register(rateLimit, {
    global: true,
    max: deps.config.rateLimit,
    timeWindow: 60_000,
    keyGenerator: (req) => {
      const auth = req.headers.authorization;
      if (auth) return `t:${sha256(auth)}`;
      const s = req.cookies?.[SESSION_COOKIE];
      return s ? `s:${sha256(s)}` : `ip:${req.ip}`;
    },
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`Rate limit exceeded: retry in ${Math.ceil(ctx.ttl / 1000)} s.`), { statusCode: 429 }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Casework API', version: '1', description: 'Case management for support teams. Errors are application/problem+json.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/v1/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/v1/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());

  // No body at all is an empty object, so optional bodies validate and required fields say what is missing.
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined && req.routeOptions.schema?.body) req.body = {};
  });
  installProblems(app);
  installAuth(app, deps);
  installTextGuard(app);
  installAnswers(app);

  for (const register of ROUTE_MODULES) await register(app, deps);
  await serveWebApp(app, deps);
  return app;
}

/** Serves the built agent app, with the SPA fallback for its client-side routes. */
async function serveWebApp(app: App, deps: Deps): Promise<void> {
  const dist = deps.config.webDist ?? path.resolve(import.meta.dirname, '../../web/dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) return;
  await app.register(fastifyStatic, { root: dist, serve: false });
  const index = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  app.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const url = req.url.split('?')[0]!;
    if (url.startsWith('/api/') || url.startsWith('/webhooks/')) {
      return reply
        .status(404)
        .type('application/problem+json')
        .send({ type: 'urn:casework:problem:not_found', title: 'Not found', status: 404, code: 'not_found' });
    }
    const file = path.join(dist, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
    if (url !== '/' && file.startsWith(dist) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      const immutable = url.startsWith('/assets/');
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.sendFile(path.relative(dist, file));
    }
    reply.header('cache-control', 'no-cache');
    return reply.type('text/html; charset=utf-8').send(index);
  });
}
