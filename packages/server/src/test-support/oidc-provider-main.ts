/**
 * A real OpenID provider for the tests, run as its own process (`oidc-provider.ts` starts it):
 * the certified `oidc-provider` package, with its own login and consent pages, one client
 * (`casework`, secret `casework-secret`, PKCE required) and any login as a user: the login is
 * the email, verified unless it starts with "unverified".
 *
 * Several issuers share the process, one per path. `/good` behaves. The others answer exactly like
 * it, except that the ID token in the token endpoint's answer is changed and signed again — with the
 * provider's own key for a wrong audience, issuer or nonce or an expired token, or with a different
 * key under the same key id for a bad signature — so the client meets real tokens that its
 * validation must refuse. The process prints `listening <port>` once it answers.
 *
 * Arguments: `--redirect-uri <uri>` (repeatable): the client's registered redirect URIs.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

const VARIANTS = ['good', 'wrong-aud', 'wrong-iss', 'wrong-nonce', 'wrong-sig', 'expired'] as const;
type Variant = (typeof VARIANTS)[number];

const { values } = parseArgs({ options: { 'redirect-uri': { type: 'string', multiple: true }, port: { type: 'string' } } });
const redirectUris = values['redirect-uri'] ?? [];

async function rsaJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

const signingKey = await rsaJwk('test-key');
const strangerKey = await rsaJwk('test-key');

/** What each variant does to a freshly issued ID token's claims, and which key signs it again. */
function tamper(variant: Variant, claims: Record<string, unknown>): { claims: Record<string, unknown>; key: JWK } {
  const now = Math.floor(Date.now() / 1000);
  switch (variant) {
    case 'wrong-aud':
      return { claims: { ...claims, aud: 'another-client' }, key: signingKey };
    case 'wrong-iss':
      return { claims: { ...claims, iss: 'http://127.0.0.1:9/someone-else' }, key: signingKey };
    case 'wrong-nonce':
      return { claims: { ...claims, nonce: 'not-the-nonce-casework-sent' }, key: signingKey };
    case 'expired':
      return { claims: { ...claims, iat: now - 7200, exp: now - 3600 }, key: signingKey };
    case 'wrong-sig':
      return { claims, key: strangerKey };
    default:
      return { claims, key: signingKey };
  }
}

async function resign(token: string, variant: Variant): Promise<string> {
  const header = decodeProtectedHeader(token);
  const changed = tamper(variant, decodeJwt(token) as Record<string, unknown>);
  return new SignJWT(changed.claims)
    .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid, typ: header.typ })
    .sign(await importJWK(changed.key, 'RS256'));
}

function makeProvider(issuer: string, variant: Variant): Provider {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'casework',
        client_secret: 'casework-secret',
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    pkce: { required: () => true },
    cookies: { keys: ['test-provider-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx: KoaContextWithOIDC, id: string) {
      const email = id.trim().toLowerCase();
      return {
        accountId: email,
        async claims() {
          return { sub: email, email, email_verified: !email.startsWith('unverified'), name: email.split('@')[0] };
        },
      };
    },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => process.stderr.write(`provider error: ${err.stack}\n`));
  if (variant !== 'good') {
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path === '/token' && ctx.status === 200 && body?.id_token) {
        ctx.body = { ...body, id_token: await resign(body.id_token, variant) };
      }
    });
  }
  return provider;
}

const server = http.createServer();
server.listen(Number(values.port ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  const handlers = new Map<string, ReturnType<Provider['callback']>>(
    VARIANTS.map((v) => [`/${v}`, makeProvider(`http://127.0.0.1:${port}/${v}`, v).callback()] as const),
  );
  server.on('request', (req, res) => {
    const url = req.url ?? '/';
    const prefix = `/${url.split(/[/?]/)[1] ?? ''}`;
    const handler = handlers.get(prefix);
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    // Mounted like a sub-application: the provider sees its own paths, and the original URL tells
    // it where it is mounted.
    Object.assign(req, { originalUrl: url });
    req.url = url.slice(prefix.length) || '/';
    void handler(req, res);
  });
  process.stdout.write(`listening ${port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
