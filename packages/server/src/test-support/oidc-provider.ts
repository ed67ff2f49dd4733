import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The issuers one provider process serves (see oidc-provider-main.ts). */
export type ProviderVariant = 'good' | 'wrong-aud' | 'wrong-iss' | 'wrong-nonce' | 'wrong-sig' | 'expired';

export type TestProvider = {
  /** The issuer URL of a variant: `http://127.0.0.1:<port>/<variant>`. */
  issuer(variant?: ProviderVariant): string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
};

const MAIN = fileURLToPath(new URL('./oidc-provider-main.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');

/**
 * Starts the test OpenID provider as its own process on a free loopback port, with the client
 * registered for these redirect URIs. Resolves once it answers.
 */
export async function startTestProvider(redirectUris: string[]): Promise<TestProvider> {
  const args = ['--import', TSX, MAIN, ...redirectUris.flatMap((u) => ['--redirect-uri', u])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the test provider did not start: ${output}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the test provider exited: ${output}`));
    });
  });
  return {
    issuer: (variant = 'good') => `http://127.0.0.1:${port}/${variant}`,
    clientId: 'casework',
    clientSecret: 'casework-secret',
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Signs in at the provider as a browser would, over HTTP: follows its redirects with its cookies,
 * fills its login page (any password) and confirms its consent page, until it sends the browser to
 * `redirectUri`; returns that URL (with `code`, `state` and `iss`).
 */
export async function signInAtProvider(authorisationUrl: string, login: string, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
  };
  let url = new URL(authorisationUrl);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: cookieHeader() } });
    keep(res);
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return next;
      url = next;
      init = {};
      continue;
    }
    const html = await res.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) throw new Error(`the provider answered ${res.status} without a form or redirect: ${html.slice(0, 500)}`);
    const fields = new URLSearchParams();
    for (const [input] of form[2]!.matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      if (name) fields.set(name, /value="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    if (fields.has('login')) {
      fields.set('login', login);
      fields.set('password', 'any-password');
    }
    url = new URL(form[1]!.replace(/&amp;/g, '&'), url);
    init = { method: 'POST', body: fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('the provider never sent the browser back');
}
