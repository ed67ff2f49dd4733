import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';

type Res = LightMyRequestResponse & { data: any };

/** Asserts a problem+json answer with this status and code; returns its body. */
export function expectProblem(res: Res, status: number, code: string): any {
  expect({ status: res.statusCode, code: res.data?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toContain('application/problem+json');
  return res.data;
}

/** Asserts 400 validation_failed naming a field that starts with `field`. */
export function expectInvalid(res: Res, field: string): void {
  const body = expectProblem(res, 400, 'validation_failed');
  const names = (body.fields as { field: string }[]).map((f) => f.field);
  expect(
    names.some((n) => n === field || n.startsWith(`${field}.`)),
    `fields ${JSON.stringify(names)} should name ${field}`,
  ).toBe(true);
}

/** Asserts 403 forbidden naming the refused action. */
export function expectForbidden(res: Res, action: string): void {
  expect(expectProblem(res, 403, 'forbidden').action).toBe(action);
}

export const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
