/**
 * One CSV line (RFC 4180): cells with a comma, quote, line break or edge whitespace are quoted,
 * quotes inside are doubled. No trailing line break.
 */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Joins cells into one CSV line, quoting where needed. */
export function formatCsvRow(cells: readonly string[]): string {
  return cells.map((cell) => (NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',');
}
