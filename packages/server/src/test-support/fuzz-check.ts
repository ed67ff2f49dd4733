import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Schema } from './fuzz-values.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: false }));
const compiled = new WeakMap<object, ValidateFunction>();

function validatorOf(schema: Schema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * What is wrong with an answer by the operation's declaration: a 5xx, a status it does not
 * declare, a content type it does not declare for that status, or a JSON body its schema refuses.
 * Undefined when the answer is as documented.
 */
export function checkAnswer(op: Schema, status: number, contentType: string | undefined, body: string): string | undefined {
  if (status >= 500) return `answered ${status}: ${body.slice(0, 300)}`;
  const responses = (op.responses ?? {}) as Record<string, Schema>;
  const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (!declared)
    return `answered ${status}, which the document does not declare (declared: ${Object.keys(responses).join(', ')}): ${body.slice(0, 200)}`;
  const content = declared.content as Record<string, { schema?: Schema }> | undefined;
  if (!content || !body) return undefined;
  const type = mediaType(contentType);
  const entry = content[type] ?? content['*/*'];
  if (!entry) return `answered ${status} as ${type || 'no content type'}, declared: ${Object.keys(content).join(', ')}`;
  if (!entry.schema || !/json/.test(type)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return `answered ${status} with a body that is not JSON: ${body.slice(0, 200)}`;
  }
  const validate = validatorOf(entry.schema);
  if (validate(data)) return undefined;
  return `answered ${status} with a body the schema refuses (${ajv.errorsText(validate.errors)}): ${body.slice(0, 200)}`;
}
