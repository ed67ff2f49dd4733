import type { paths } from './openapi';

/** An API path relative to API_BASE, as the OpenAPI document names it ('/cases/{id}'). */
type ApiPath = keyof paths extends infer K ? (K extends `/api/v1${infer P}` ? P : never) : never;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends ApiPath, M extends Method> = NonNullable<paths[`/api/v1${P}`][M]>;
/** The paths that answer a method. */
export type PathsFor<M extends Method> = { [P in ApiPath]: [paths[`/api/v1${P}`][M]] extends [undefined] ? never : P }[ApiPath];
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : undefined;
type Success<R> = R extends { 200: infer A } ? Json<A> : R extends { 201: infer A } ? Json<A> : undefined;
/** The JSON a successful request answers (undefined for 204 No Content). */
export type Answer<P extends ApiPath, M extends Method> = Success<Operation<P, M>['responses']>;
/** The JSON body a request sends. */
export type Body<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
/** A URL for a path: each `{param}` filled in, an optional query string after it. */
type Url<P extends string> = P extends `${infer Head}{${string}}${infer Tail}` ? `${Head}${string}${Url<Tail>}` : P;
type UrlFor<P extends string> = Url<P> | `${Url<P>}?${string}`;
/** Any URL the API answers for a method. */
export type ApiUrl<M extends Method> = UrlFor<PathsFor<M>>;

/** Problem details (RFC 9457) returned by the API, as a throwable error. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fields: Record<string, string> | undefined;
  readonly ownerId: string | undefined;
  readonly action: string | undefined;
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code?: string;
    title?: string;
    detail?: string;
    fields?: Record<string, string>;
    ownerId?: string;
    action?: string;
    retryAfter?: number;
  }) {
    super(init.detail ?? init.title ?? `Request failed (${init.status})`);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code ?? codeForStatus(init.status);
    this.title = init.title ?? 'Something went wrong';
    this.detail = init.detail;
    this.fields = init.fields;
    this.ownerId = init.ownerId;
    this.action = init.action;
    this.retryAfter = init.retryAfter;
  }
}

function codeForStatus(status: number): string {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 400) return 'validation_failed';
  return 'server_error';
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {
  const here = window.location.pathname + window.location.search;
  if (!window.location.pathname.startsWith('/login')) {
    window.location.assign(`/login?next=${encodeURIComponent(here)}`);
  }
};

/** Lets the app route to the login page (without a full reload) when a session ends. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

type RequestOptions = {
  /** Don't trigger the global "go to login" redirect on 401 (the login form itself). */
  allowUnauthenticated?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
};

export const API_BASE = '/api/v1';

async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...options.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(API_BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      title: 'Cannot reach the server',
      detail: 'Check your connection and try again.',
    });
  }
  if (!response.ok) {
    const problem = await parseProblem(response);
    if (problem.status === 401 && !options.allowUnauthenticated) onUnauthorized();
    throw problem;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function parseProblem(response: Response): Promise<ApiError> {
  const retryHeader = response.headers.get('Retry-After');
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined;
  let data: Record<string, unknown> = {};
  try {
    const text = await response.text();
    data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    data = {};
  }
  return new ApiError({
    status: response.status,
    code: str(data.code),
    title: str(data.title) ?? response.statusText,
    detail: str(data.detail) ?? str(data.message),
    fields: normaliseFields(data.fields ?? data.errors),
    ownerId: str(data.ownerId),
    action: str(data.action),
    retryAfter,
  });
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function normaliseFields(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const item of value) {
      if (item && typeof item === 'object') {
        const entry = item as Record<string, unknown>;
        const name = str(entry.field) ?? str(entry.name) ?? str(entry.path) ?? str(entry.instancePath);
        if (name) out[name.replace(/^\//, '')] = str(entry.message) ?? 'Invalid value';
      } else if (typeof item === 'string') {
        out[item] = 'Invalid value';
      }
    }
    return out;
  }
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(value as Record<string, unknown>)) {
    out[key] = typeof message === 'string' ? message : 'Invalid value';
  }
  return out;
}

/**
 * The API, typed by the server's OpenAPI document: the type argument names the operation's path
 * ('/cases/{id}'), the URL must fit it, and the body and answer are the document's.
 */
export const api = {
  get: <P extends PathsFor<'get'>>(path: NoInfer<UrlFor<P>>, options?: RequestOptions) =>
    request<Answer<P, 'get'>>('GET', path, undefined, options),
  post: <P extends PathsFor<'post'>>(path: NoInfer<UrlFor<P>>, body?: Body<P, 'post'>, options?: RequestOptions) =>
    request<Answer<P, 'post'>>('POST', path, body ?? {}, options),
  put: <P extends PathsFor<'put'>>(path: NoInfer<UrlFor<P>>, body?: Body<P, 'put'>) => request<Answer<P, 'put'>>('PUT', path, body ?? {}),
  patch: <P extends PathsFor<'patch'>>(path: NoInfer<UrlFor<P>>, body?: Body<P, 'patch'>) =>
    request<Answer<P, 'patch'>>('PATCH', path, body ?? {}),
  delete: <P extends PathsFor<'delete'> = PathsFor<'delete'>>(path: NoInfer<UrlFor<P>>, body?: Body<P, 'delete'>) =>
    request<Answer<P, 'delete'>>('DELETE', path, body),
};

/** Builds a query string, leaving out empty values. */
export function toQuery(params: Record<string, string | number | boolean | null | undefined>): '' | `?${string}` {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A random key for Idempotency-Key headers (crypto.randomUUID needs a secure context). */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A short human sentence for an error, for toasts and inline messages. */
export function describeError(error: unknown): { title: string; detail?: string } {
  if (error instanceof ApiError) {
    const detail = error.detail && error.detail !== error.title ? error.detail : undefined;
    return { title: error.title, detail };
  }
  if (error instanceof Error) return { title: 'Something went wrong', detail: error.message };
  return { title: 'Something went wrong' };
}
