import type { FastifyRequest } from 'fastify';
import { Problem } from '../errors.ts';
import { hasBadText } from '../channels/clean-text.ts';
import type { App } from './route-types.ts';

/** Where the first NUL or lone surrogate sits in a parsed value (a field path, keys included), if anywhere. */
function findBadText(value: unknown, path: string[] = []): string[] | null {
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path }];
  while (stack.length) {
    const { v, path: at } = stack.pop()!;
    if (typeof v === 'string') {
      if (hasBadText(v)) return at;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (hasBadText(k)) return [...at, k.replace(/[^\x20-\x7e]/g, '?')];
        stack.push({ v: child, path: [...at, k] });
      }
    }
  }
  return null;
}

const refused = (field: string) =>
  new Problem(400, 'validation_failed', 'Invalid characters', `${field}: must not contain NUL characters or invalid UTF-8`, {
    fields: [{ field, message: 'must not contain NUL characters or invalid UTF-8' }],
  });

/** Strictly decodes a UTF-8 body: invalid bytes are refused rather than silently replaced. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
export function decodeBody(raw: Buffer | string): string {
  if (typeof raw === 'string') return raw;
  try {
    return strictUtf8.decode(raw);
  } catch {
    throw refused('body');
  }
}

/**
 * SPEC §15: text with a NUL or invalid UTF-8 in a path parameter, the query or a JSON body is
 * refused with 400 before any route runs, so it never reaches the database (where it was a 500).
 * Inbound channel routes (`config.textInput: 'strip'`) take it: their use case strips it after
 * the provider's signature is checked, so the customer's message is kept.
 */
export function installTextGuard(app: App): void {
  // Any route can answer this 400: answers.ts declares it on every operation.
  app.addHook('preValidation', async (req: FastifyRequest) => {
    if (req.routeOptions.config?.textInput === 'strip') return;
    for (const [where, value] of [
      ['params', req.params],
      ['query', req.query],
      ['body', req.body],
    ] as const) {
      const at = findBadText(value);
      if (at) throw refused([...(where === 'body' ? [] : [where]), ...at].join('.') || where);
    }
  });
}
