/**
 * The book every fault scenario runs: 1,000 generated accounts (the same bytes for the same seed),
 * imported once per test file through the CLI, as an operator would.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BOOKRUN_BIN, REPO_ROOT } from './processes.ts';

const run = promisify(execFile);

export const BOOK_ACCOUNTS = 1_000;
const BOOK_SEED = '7';

/** Runs `bookrun ARGS` to completion; throws with its output when it exits non-zero. */
export async function bookrunCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(process.execPath, [BOOKRUN_BIN, ...args], { cwd: REPO_ROOT, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`bookrun ${args.join(' ')} failed: ${e.message}\nstdout: ${e.stdout ?? ''}\nstderr: ${e.stderr ?? ''}`, { cause: error });
  }
}

export type Book = { name: string; accounts: number };

/** Generates and imports the suite's book; `accounts` is what the import stored (the expected item count of each run). */
export async function importBook(dir: string, env: NodeJS.ProcessEnv, name = 'faults'): Promise<Book> {
  const csv = join(dir, 'book.csv');
  await bookrunCli(['book', 'generate', '--accounts', String(BOOK_ACCOUNTS), '--seed', BOOK_SEED, '--out', csv, '--json'], env);
  const { stdout } = await bookrunCli(['book', 'import', csv, '--book', name, '--json'], env);
  const report = JSON.parse(stdout) as { imported: number };
  return { name, accounts: report.imported };
}

/**
 * Enqueues a run of `book` for the worker processes (`run --detach`). The generous USD cap is on
 * purpose: only a capped run writes a `started` ledger row before each call, which is what lets
 * the ledger show a call a crash cut off.
 */
export async function startRun(book: Book, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await bookrunCli(['run', '--book', book.name, '--detach', '--json', '--budget-usd', '1000'], env);
  const { runId } = JSON.parse(stdout) as { runId?: string };
  if (!runId) throw new Error(`bookrun run --detach printed no runId: ${stdout}`);
  return runId;
}
