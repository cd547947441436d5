/**
 * Starts each `npm run test:faults` with an empty report, so the table printed afterwards
 * (scripts/fault-table.ts) shows this invocation's measurements only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { REPORT_PATH } from './report.ts';

export default function setup(): void {
  mkdirSync(dirname(REPORT_PATH), { recursive: true });
  writeFileSync(REPORT_PATH, '');
}
