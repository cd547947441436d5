/**
 * What `book import` reports. `rows` is every data row of the file (blank lines aside), and every
 * one of them is accounted for exactly once:
 * rows = imported + updated + unchanged + stale + quarantined + duplicates.
 */

export type ImportIssue = {
  /** Physical line in the file where the row starts (the header is line 1). */
  line: number;
  /** Header of the offending column as written in the file; null when the whole row is bad. */
  column: string | null;
  reason: string;
};

export type ImportReport = {
  book: string;
  file: string;
  importId: string;
  /** Data rows read (a row that could not be split into cells counts once). */
  rows: number;
  /** Accounts new to the book. */
  imported: number;
  /** Existing accounts whose values, contacts or activities changed. */
  updated: number;
  /** Existing accounts the file says nothing new about. */
  unchanged: number;
  /** Rows older (CRM last-modified) than what the book already has; nothing written. */
  stale: number;
  /** Rows that failed validation; each is in `issues` and in `quarantined_rows`. */
  quarantined: number;
  /** Extra rows for an account already in the file, merged into it. */
  duplicates: number;
  /** Accounts whose duplicate rows disagree on some field (recorded in `accounts.conflicts`). */
  conflicts: number;
  /** File headers no field uses. */
  ignoredColumns: string[];
  /** Map-file keys that matched no header. */
  unusedMapKeys: string[];
  seconds: number;
  issues: ImportIssue[];
};

const fmt = (n: number) => n.toLocaleString('en-US');
const count = (n: number, one: string, many: string) => `${fmt(n)} ${n === 1 ? one : many}`;

function clip(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** The human report: a table of quarantined rows (at most `maxIssues`) and a summary line. */
export function formatImportReport(report: ImportReport, maxIssues: number = 50): string[] {
  const out: string[] = [];
  if (report.issues.length > 0) {
    const shown = report.issues.slice(0, maxIssues);
    const lineWidth = Math.max(4, ...shown.map((i) => String(i.line).length));
    const columnWidth = Math.min(28, Math.max(6, ...shown.map((i) => (i.column ?? '(row)').length)));
    out.push(`${'line'.padStart(lineWidth)} | ${'column'.padEnd(columnWidth)} | reason`);
    out.push(`${'-'.repeat(lineWidth)}-+-${'-'.repeat(columnWidth)}-+-${'-'.repeat(40)}`);
    for (const issue of shown) {
      out.push(`${String(issue.line).padStart(lineWidth)} | ${clip(issue.column ?? '(row)', columnWidth).padEnd(columnWidth)} | ${clip(issue.reason, 110)}`);
    }
    if (report.issues.length > shown.length) out.push(`… and ${fmt(report.issues.length - shown.length)} more (see --json)`);
    out.push('');
  }
  const parts = [
    `${fmt(report.imported)} imported`,
    `${fmt(report.updated)} updated`,
    `${fmt(report.unchanged)} unchanged`,
    ...(report.stale > 0 ? [`${fmt(report.stale)} stale (older than the book; not applied)`] : []),
    `${fmt(report.quarantined)} quarantined`,
    `${count(report.duplicates, 'duplicate row', 'duplicate rows')} merged${report.conflicts > 0 ? ` (${count(report.conflicts, 'account', 'accounts')} with conflicting values)` : ''}`,
  ];
  out.push(`book ${report.book}: ${fmt(report.rows)} rows from ${report.file}: ${parts.join(', ')} in ${report.seconds.toFixed(1)} s`);
  return out;
}
