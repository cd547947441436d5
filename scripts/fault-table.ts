/**
 * Prints the fault suite's faults × outcomes table (markdown) from the JSON lines every fault test
 * appends (test/faults/support/report.ts). `npm run test:faults` runs it after vitest, pass or fail.
 * Usage: tsx scripts/fault-table.ts [report.jsonl]   (default: BOOKRUN_FAULT_REPORT, else test/faults/.report.jsonl)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaultOutcome } from '../test/faults/support/report.ts';

/** One report line: a measured outcome, with the time it was written. */
type Row = Partial<Pick<FaultOutcome, 'notes'>> & Omit<FaultOutcome, 'notes'>;

const defaultPath = join(fileURLToPath(new URL('..', import.meta.url)), 'test', 'faults', '.report.jsonl');
const path = process.argv[2] ?? process.env['BOOKRUN_FAULT_REPORT'] ?? defaultPath;

if (!existsSync(path)) {
  console.log(`fault table: no report at ${path} (run npm run test:faults first)`);
  process.exit(0);
}

const rows: Row[] = [];
const bad: number[] = [];
readFileSync(path, 'utf8')
  .split('\n')
  .forEach((line, i) => {
    if (!line.trim()) return;
    try {
      rows.push(JSON.parse(line) as Row);
    } catch {
      bad.push(i + 1);
    }
  });

// Pipes inside a cell would split it into columns.
const cell = (v: unknown) => String(v ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
const result = (r: Row) => (r.passed === undefined ? '' : r.passed ? 'pass' : '**FAIL**');

console.log(`\n### Faults × outcomes (${rows.length} scenarios, ${path})\n`);
console.log('| suite | fault | result | lost | duplicated | extra calls | faults injected | seconds | notes |');
console.log('|---|---|---|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  console.log(`| ${[r.suite, r.fault, result(r), r.lost, r.duplicated, r.extraCalls, r.kills, Number(r.seconds ?? 0).toFixed(1), r.notes].map(cell).join(' | ')} |`);
}
if (bad.length) console.log(`\n(${bad.length} unreadable line(s) skipped: ${bad.join(', ')})`);
