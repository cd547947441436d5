/**
 * `--map MAP.json`: how the columns of a foreign export map to bookrun fields, for headers the
 * defaults do not recognise. Example:
 *
 * ```json
 * { "columns": { "Org Name": "name", "Org #": "externalId", "Main Contact": "contact1.name" },
 *   "dates": "mdy" }
 * ```
 *
 * `dates` says how to read slash dates such as 03/04/2026 (`mdy` US, `dmy` elsewhere); by default
 * only ISO dates (2026-03-04, with an optional time) are accepted, because guessing the order of
 * an ambiguous date silently corrupts data.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BookInputError } from './errors.ts';
import { BookField } from './fields.ts';

export const DateOrder = z.enum(['iso', 'mdy', 'dmy']);
export type DateOrder = z.infer<typeof DateOrder>;

export const ColumnMap = z.strictObject({
  /** File header (as written, matched case- and punctuation-insensitively) → bookrun field. */
  columns: z.record(z.string().min(1), BookField).default({}),
  dates: DateOrder.default('iso'),
});
export type ColumnMap = z.infer<typeof ColumnMap>;

/** Reads and validates a map file; errors name the file and the offending key. */
export async function loadColumnMap(file: string): Promise<ColumnMap> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BookInputError(`cannot read map file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BookInputError(`map file ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parseColumnMap(json, file);
}

/** Validates an already-parsed map; `source` names it in errors. */
export function parseColumnMap(json: unknown, source: string = 'map'): ColumnMap {
  const parsed = ColumnMap.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.') || '(top level)';
    const detail = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (allowed: columns, dates)` : issue.message;
    return `key ${JSON.stringify(key)}: ${detail}`;
  });
  throw new BookInputError(`map file ${source} is invalid: ${problems.join('; ')}`);
}
