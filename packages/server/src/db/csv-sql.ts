import { sql, type RawBuilder } from 'kysely';
import { DEFAULT_PRIORITY, PRIORITIES } from '@casework/domain';

/**
 * The domain's CSV cells (csvCell in @casework/domain) written by the database, so an export of a
 * million rows reads one line of text per case instead of a dozen values to format. Each builder
 * here is the SQL copy of one csvCell case; tests/csv-sql.test.ts runs them on both databases over
 * a table of values and holds every result to csvCell.
 */

/** A text cell: a leading apostrophe before what a spreadsheet would run as a formula, then quoted when it must be. */
export function csvTextSql(value: RawBuilder<unknown>): RawBuilder<string> {
  const safe = sql`(CASE WHEN left(${value}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || ${value} ELSE ${value} END)`;
  return sql<string>`(CASE WHEN ${value} IS NULL THEN '' WHEN strpos(${value}, '"') > 0 OR strpos(${value}, ',') > 0
    OR strpos(${value}, E'\\n') > 0 OR strpos(${value}, E'\\r') > 0 THEN '"' || replace(${safe}, '"', '""') || '"' ELSE ${safe} END)`;
}

/**
 * A number as JavaScript's String() writes it: plain digits from 1e-6 up to 1e21 (a JSON number's
 * shortest digits, kept as written), otherwise one digit, a point, the rest and an exponent
 * (`1e+21`, `1.5e-7`). `n` is numeric; numbers never need quoting.
 */
function jsNumberSql(n: RawBuilder<unknown>): RawBuilder<string> {
  const t = sql`abs(${n})::text`;
  const whole = sql`split_part(${t}, '.', 1)`;
  const frac = sql`split_part(${t}, '.', 2)`;
  // The significant digits and the power of ten of the first.
  const digits = sql`(CASE WHEN ${whole} <> '0' THEN rtrim(${whole} || ${frac}, '0') ELSE rtrim(ltrim(${frac}, '0'), '0') END)`;
  const power = sql`(CASE WHEN ${whole} <> '0' THEN length(${whole}) - 1 ELSE length(ltrim(${frac}, '0')) - length(${frac}) - 1 END)`;
  const exponent = sql`(CASE WHEN ${n} < 0 THEN '-' ELSE '' END || left(${digits}, 1)
    || CASE WHEN length(${digits}) > 1 THEN '.' || substr(${digits}, 2) ELSE '' END
    || 'e' || CASE WHEN ${power} > 0 THEN '+' ELSE '-' END || abs(${power})::text)`;
  return sql<string>`(CASE WHEN ${n} = 0 THEN '0' WHEN abs(${n}) >= 1e21 OR abs(${n}) < 1e-6 THEN ${exponent} ELSE ${n}::text END)`;
}

/**
 * A custom field's cell from the case's `fields` object: text as a text cell, a number as
 * JavaScript writes it, true/false, a list's items joined with "; " as a text cell, nothing when
 * unset: the export's `flat`, then csvCell, for every FieldValue (an object, which is no field's
 * value, by its name or else its JSON text as the database spaces it).
 */
export function csvFieldSql(fields: RawBuilder<unknown>, key: string): RawBuilder<string> {
  const v = sql`(${fields} -> ${sql.lit(key)})`;
  const text = sql`(${fields} ->> ${sql.lit(key)})`;
  // The items are joined once, then written as one text cell (which reads its value several times).
  const list = sql`(SELECT ${csvTextSql(sql`coalesce(l.v, '')`)} FROM (SELECT string_agg(e, '; ') AS v FROM jsonb_array_elements_text(${v}) AS e) l)`;
  return sql<string>`(CASE jsonb_typeof(${v})
    WHEN 'string' THEN ${csvTextSql(text)}
    WHEN 'number' THEN ${jsNumberSql(sql`(${text})::numeric`)}
    WHEN 'boolean' THEN ${text}
    WHEN 'array' THEN ${list}
    WHEN 'object' THEN ${csvTextSql(sql`coalesce(${v} ->> 'name', ${v}::text)`)}
    ELSE '' END)`;
}

/** A priority rank's name (the domain's priorityOfRank, the default for any other rank). */
export function priorityNameSql(rank: RawBuilder<unknown>): RawBuilder<string> {
  const arms = PRIORITIES.map((p, i) => sql`WHEN ${sql.lit(i)} THEN ${sql.lit(p)}`);
  return sql<string>`(CASE ${rank} ${sql.join(arms, sql` `)} ELSE ${sql.lit(DEFAULT_PRIORITY)} END)`;
}
