/**
 * Streams a CSV file as records with their physical line numbers, never holding the file in
 * memory. csv-parse does the splitting (BOM, CRLF or LF, quoted commas and line breaks, strict
 * quotes); rows it cannot split come back as `broken` items covering the lines they spanned, so
 * the importer can quarantine them instead of losing them.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import { LineIndex } from './line-index.ts';

/** Longest row accepted, in bytes: a guard against a wrong delimiter swallowing the file. */
export const MAX_ROW_BYTES = 1_000_000;
/** How much of an unsplittable row is kept for the quarantine. */
const MAX_RAW_KEPT = 10_000;

export type CsvItem =
  /** A row split into cells; `line` is where it starts (a quoted multi-line row spans more). */
  | { kind: 'record'; line: number; cells: string[] }
  /** Text csv-parse could not split into cells, from `line` to `lastLine`. */
  | { kind: 'broken'; line: number; lastLine: number; reason: string; raw: string };

type ParsedRecord = { record: string[]; raw: string; info: Info };

const REASONS: Readonly<Record<string, string>> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quoted cell has text after its closing quote (quote the whole cell and double any " inside it)',
  INVALID_OPENING_QUOTE: 'a " appears inside an unquoted cell (quote the whole cell and double any " inside it)',
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed',
  CSV_MAX_RECORD_SIZE: `the row is longer than ${MAX_ROW_BYTES.toLocaleString('en-US')} bytes (is the delimiter a comma?)`,
};

function breaksIn(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** Reads `file` record by record. Throws (from the iterator) when the file cannot be read. */
export async function* readCsv(file: string): AsyncGenerator<CsvItem> {
  const index = new LineIndex();
  // csv-parse reports skipped rows as it parses, ahead of the records still buffered for this
  // loop; `after` (records emitted before the skip) places each one in the right gap.
  const skips: Array<{ error: CsvError | undefined; raw: string; after: number }> = [];
  const parser = parse({
    bom: true,
    info: true,
    raw: true,
    relax_quotes: false,
    // Ragged rows are the importer's to report (with the header's cell count), not a fatal error.
    relax_column_count: true,
    // Blank lines come through as [''] so every byte of the file is accounted for.
    skip_empty_lines: false,
    skip_records_with_error: true,
    max_record_size: MAX_ROW_BYTES,
    record_delimiter: ['\r\n', '\n', '\r'],
    on_skip: (error, raw) => {
      skips.push({ error, raw: raw ?? '', after: parser.info.records });
      return undefined;
    },
  });
  // Errors of any stage destroy the parser, which makes the loop below throw them.
  pipeline(createReadStream(file), index, parser, () => {});

  let nextStart = 0;
  let consumed = 0;
  const brokenUntil = (line: number, lastLine: number): CsvItem => {
    const gap = skips.splice(0, skips.filter((s) => s.after <= consumed).length);
    const first = gap[0]?.error;
    const raw = gap.reduce((longest, s) => (s.raw.length > longest.length ? s.raw : longest), '');
    const reason = (first?.code && REASONS[first.code]) ?? first?.message ?? 'the row could not be split into cells';
    const span = lastLine > line ? ` (lines ${line}–${lastLine} could not be split into cells)` : '';
    return { kind: 'broken', line, lastLine: Math.max(line, lastLine), reason: `${reason}${span}`, raw: raw.slice(0, MAX_RAW_KEPT) };
  };

  for await (const item of parser as AsyncIterable<ParsedRecord>) {
    const gapStart = (skips[0]?.after ?? Infinity) <= consumed ? index.lineAt(nextStart) : 0;
    // `raw` ends with the first character of the record delimiter (if any); `info.bytes` is the
    // offset just past the delimiter, so `bytes - 1` lies on the record's last line.
    const content = item.raw.replace(/[\r\n]$/, '');
    const lastLine = index.lineAt(Math.max(0, item.info.bytes - 1));
    const line = lastLine - breaksIn(content);
    if (gapStart > 0) yield brokenUntil(gapStart, line - 1);
    nextStart = item.info.bytes;
    consumed++;
    if (item.record.every((cell) => cell.trim() === '')) continue;
    yield { kind: 'record', line, cells: item.record };
  }
  consumed = Infinity;
  if (skips.length > 0) yield brokenUntil(index.lineAt(nextStart), index.lines);
}
