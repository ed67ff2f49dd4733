/** A signed-in API session for seeding and for checking what the API refuses. */
export type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

export async function apiSession(base: string, email: string, password: string): Promise<Api> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`login ${email}: ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
  };
}

/** Like Api but throws unless the answer is 2xx, returning the body. */
export function strict(api: Api) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await api<T>(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
}

export type Org = {
  supportId: string;
  billingId: string;
  users: Record<'alice' | 'bob' | 'sue' | 'vic', { id: string; email: string; password: string; name: string }>;
};

const PASSWORD = 'password-e2e-1';

/** Two teams and four people: two agents, a supervisor and a viewer. */
export async function seedOrg(admin: Api): Promise<Org> {
  const call = strict(admin);
  const support = await call<{ id: string }>('POST', '/teams', { name: 'Support' });
  const billing = await call<{ id: string }>('POST', '/teams', { name: 'Billing' });
  const make = async (key: string, name: string, role: string, teamIds: string[], timeZone?: string) => {
    const email = `${key}@e2e.test`;
    const u = await call<{ id: string }>('POST', '/users', {
      email,
      name,
      password: PASSWORD,
      role,
      teamIds,
      ...(timeZone ? { timeZone } : {}),
    });
    return { id: u.id, email, password: PASSWORD, name };
  };
  return {
    supportId: support.id,
    billingId: billing.id,
    users: {
      alice: await make('alice', 'Alice Agent', 'agent', [support.id], 'Europe/Berlin'),
      bob: await make('bob', 'Bob Agent', 'agent', [support.id], 'Europe/Berlin'),
      sue: await make('sue', 'Sue Supervisor', 'supervisor', [support.id, billing.id], 'America/New_York'),
      vic: await make('vic', 'Vic Viewer', 'viewer', [support.id]),
    },
  };
}

export type CaseJson = { id: string; reference: string; subject: string; status: string; ownerId: string | null; actions: string[] };

export async function createCases(admin: Api, teamId: string, subjects: string[], type = 'platform'): Promise<CaseJson[]> {
  const call = strict(admin);
  const out: CaseJson[] = [];
  for (const subject of subjects) {
    out.push(
      await call<CaseJson>('POST', '/cases', {
        subject,
        type,
        teamId,
        customer: { name: `Customer of ${subject}`, email: `c${out.length}@mail.test` },
      }),
    );
  }
  return out;
}
