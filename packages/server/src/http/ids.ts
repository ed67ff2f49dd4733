import { isUuid } from '../ids.ts';
import { notFound } from '../errors.ts';

/** A path id that is not a UUID cannot name anything: answer 404 like any unknown id. */
export function pathId(id: string, what = 'Case'): string {
  if (!isUuid(id)) throw notFound(what);
  return id.toLowerCase();
}
