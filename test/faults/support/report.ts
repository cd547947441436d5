/**
 * The fault suite's measurements: one JSON line per scenario, appended to BOOKRUN_FAULT_REPORT
 * (default test/faults/.report.jsonl). Every fault test file — run, outbox and schedule suites —
 * appends here, and scripts/fault-table.ts prints the faults × outcomes table from it. A scenario
 * records its line before asserting, so a failing scenario still shows what it measured.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './processes.ts';

export type FaultOutcome = {
  /** Which suite measured it: `run` here; `outbox` and `schedule` in their own files. */
  suite: string;
  fault: string;
  /** Accounts (or effects) that did not reach their expected end state. */
  lost: number;
  /** Side effects or records that exist more than once. */
  duplicated: number;
  /** Model calls made again for the same logical call (ledger). */
  extraCalls: number;
  /** Faults injected (kills, restarts, wipes, signals). */
  kills: number;
  seconds: number;
  notes: string;
  /** Whether the scenario's invariants held. */
  passed?: boolean;
};

export const REPORT_PATH = process.env['BOOKRUN_FAULT_REPORT'] ?? join(REPO_ROOT, 'test', 'faults', '.report.jsonl');

export function recordOutcome(outcome: FaultOutcome): void {
  mkdirSync(dirname(REPORT_PATH), { recursive: true });
  appendFileSync(REPORT_PATH, `${JSON.stringify({ ...outcome, seconds: Math.round(outcome.seconds * 10) / 10, at: new Date().toISOString() })}\n`);
}
