/**
 * `bookrun demo` — everything a newcomer needs, in one command: services, database, a realistic
 * 4,000-account book, a full nightly run on the offline stand-in (or Claude, with
 * ANTHROPIC_API_KEY), the summary, and what to do next.
 */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import type { Db } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { addRep, listReps } from '../auth/index.ts';
import { importBook, writeGeneratedBook } from '../book/index.ts';
import { loadConfig, type Config } from '../config.ts';
import { createDeps } from '../deps.ts';
import type { CliContext } from './context.ts';
import { executeRun, positiveInt } from './run.ts';
import { formatRunSummary } from './run-summary.ts';

const SERVICES_SCRIPT = fileURLToPath(new URL('../../scripts/services', import.meta.url));
const DEMO_BOOK = 'demo';

type DemoFlags = { accounts: number; seed: number; json?: boolean; concurrency?: number; services: boolean };

export function configureDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .summary('set everything up and run a 4,000-account book end to end (offline unless ANTHROPIC_API_KEY is set)')
    .description(
      [
        'Ensures Redis and PostgreSQL are running (scripts/services), migrates the database, generates a',
        'realistic book of 4,000 accounts (with the dirt real CRM exports have), imports it as book "demo",',
        'and runs research → prioritization → drafting for every account. Without ANTHROPIC_API_KEY the',
        'offline stand-in answers in-process (its rate limits are raised for the demo unless',
        'BOOKRUN_STANDIN_RPM/ITPM/OTPM are set). Prints the run summary and what to do next.',
      ].join('\n'),
    )
    .option('--accounts <n>', 'accounts in the generated book', positiveInt, 4000)
    .option('--seed <n>', 'generator seed (same seed, same book)', (v) => positiveInt(String(Number(v) + 1)) - 1, 1)
    .option('--concurrency <n>', 'concurrent model calls (default BOOKRUN_CONCURRENCY, 48)', positiveInt)
    .option('--no-services', 'do not run scripts/services (Redis and Postgres are already up)')
    .option('--json', 'print the run summary as one JSON object on stdout')
    .action(async (flags: DemoFlags) => {
      const { summary, reviewer } = await runDemo(ctx, flags);
      if (flags.json) ctx.stdout(JSON.stringify({ ...summary, review: reviewer ? { url: reviewer.webUrl, email: reviewer.email, signInUrl: reviewer.signInUrl, pending: reviewer.pending } : null }));
      else {
        for (const line of formatRunSummary(summary)) ctx.stdout(line);
        for (const line of nextSteps(reviewer)) ctx.stdout(line);
      }
      if ((summary.status !== 'completed' && summary.status !== 'completed_with_deferrals') || summary.failed > 0) throw new Error(`demo run ${summary.runId} ended ${summary.status} with ${summary.failed} failed accounts`);
    });
}

async function runDemo(ctx: CliContext, flags: DemoFlags) {
  const config = demoConfig(loadConfig());
  if (flags.services) {
    ctx.stderr('demo: checking Redis and PostgreSQL …');
    await promisify(execFile)('bash', [SERVICES_SCRIPT]).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the services are not available:\n${[error.stdout, error.stderr].filter(Boolean).join('\n').trim()}`);
    });
  }
  const migrated = await migrateDatabase(config.databaseUrl);
  ctx.stderr(`demo: database ${migrated.database} ready (${migrated.applied} migration(s) applied)`);

  const file = join(tmpdir(), `bookrun-demo-${flags.accounts}-${flags.seed}.csv`);
  const book = await writeGeneratedBook({ accounts: flags.accounts, seed: flags.seed, out: file });
  ctx.stderr(`demo: generated ${book.accounts.toLocaleString('en-US')} accounts (${book.rows.toLocaleString('en-US')} rows: with ${book.duplicates} duplicate and ${book.invalidRows} broken rows, as real exports have) at ${file}`);

  const deps = await createDeps(config, { log: { info: (l) => ctx.stderr(`demo: ${l}`), warn: ctx.stderr } });
  try {
    const report = await importBook({ db: deps.db, file, bookName: DEMO_BOOK });
    ctx.stderr(
      `demo: imported book "${DEMO_BOOK}": ${report.imported} new, ${report.updated} updated, ${report.unchanged} unchanged, ${report.quarantined} rows quarantined (see: bookrun book import ${file} --book ${DEMO_BOOK} --json)`,
    );
    const summary = await executeRun(config, ctx, { book: DEMO_BOOK, concurrency: flags.concurrency }, deps);
    if (!summary) throw new Error('the demo run did not produce a summary');
    return { summary, reviewer: await demoReviewer(deps.db, config) };
  } finally {
    await deps.close();
  }
}

/** The stand-in's default limits model a modest Claude tier; the demo raises them unless set. */
function demoConfig(config: Config): Config {
  const set = (name: 'rpm' | 'itpm' | 'otpm') => config.standinExplicit.includes(name);
  return {
    ...config,
    standin: {
      ...config.standin,
      rpm: set('rpm') ? config.standin.rpm : 1_000_000,
      itpm: set('itpm') ? config.standin.itpm : 2_000_000_000,
      otpm: set('otpm') ? config.standin.otpm : 400_000_000,
    },
  };
}

type DemoReviewer = { email: string; name: string; pending: number; signInUrl: string; webUrl: string };

/**
 * The rep with the most items waiting, with a fresh one-time sign-in link, so the demo ends one
 * click away from the review queue. `reps add` for an existing email keeps the rep as it is.
 */
async function demoReviewer(db: Db, config: Config): Promise<DemoReviewer | undefined> {
  const top = (await listReps(db)).filter((r) => r.pending > 0).sort((a, b) => b.pending - a.pending)[0];
  if (!top) return undefined;
  const added = await addRep(db, { email: top.email, name: top.name, role: top.role, timeZone: top.timeZone }, { publicUrl: config.web.publicUrl, signInTtlMs: config.web.signInTtlMs, actor: 'demo' });
  return { email: top.email, name: top.name, pending: top.pending, signInUrl: added.signInUrl, webUrl: config.web.publicUrl };
}

function nextSteps(reviewer: DemoReviewer | undefined): string[] {
  const step = (command: string, what: string) => `  ${command.padEnd(50)} ${what}`;
  const review = reviewer
    ? [
        'review the night (every draft waits for its owner rep):',
        step('bookrun web', `the review app, at ${reviewer.webUrl}`),
        `  then open (signs in as ${reviewer.name} <${reviewer.email}>, ${reviewer.pending.toLocaleString('en-US')} items waiting; works once, for 24 h):`,
        `  ${reviewer.signInUrl}`,
        step('bookrun reps list', 'every rep with their accounts and pending items'),
        step('bookrun reps add --email E --name N --role manager', 'a manager: sees every queue and the job queues'),
      ]
    : [];
  return [
    '',
    ...review,
    '',
    'next:',
    step(`bookrun run --book ${DEMO_BOOK} --dry-run`, 'what the next run will cost, per stage, from this one'),
    step(`bookrun run --book ${DEMO_BOOK} --budget-usd 20`, 'again under a hard cap: best tiers first, the rest deferred'),
    step(`bookrun run --book ${DEMO_BOOK} --mode batch`, 'the same at half price through the Message Batches API'),
    step('bookrun book generate --accounts 500 --out b.csv', 'a book of your own …'),
    step('bookrun book import b.csv --book mine', '… imported with a quarantine report'),
    step('bookrun run --book mine --detach', 'enqueue a run for worker processes'),
    step('bookrun worker', 'start one (or several, on any machine)'),
    step(`bookrun schedule set --book ${DEMO_BOOK} --cron "0 2 * * *" --tz UTC`, 'every night at 02:00, taken by the workers'),
    step('bookrun runs pause|resume|cancel ID', 'control a run that is going, from anywhere'),
    '  accept-rate dashboards and earned autonomy arrive next.',
  ];
}
