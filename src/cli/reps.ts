/**
 * `bookrun reps add | list` — who may sign in to the review web app. `add` is idempotent per email
 * and prints a one-time sign-in link (valid BOOKRUN_SIGNIN_TTL_MS, 24 h by default); running it
 * again for the same email updates the rep and replaces the link.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { addRep, AddRepInput, listReps } from '../auth/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './exit.ts';
import { prose } from './prose.ts';
import { withDb } from './with-db.ts';

const ROLE = z.enum(['rep', 'manager']);
const AddFlags = z.object({ email: z.string(), name: z.string(), role: z.string(), tz: z.string().optional(), json: z.boolean().optional() });

export function configureRepsCommand(program: Command, ctx: CliContext): void {
  const reps = program
    .command('reps')
    .summary('who may sign in to the review web app')
    .description(
      prose([
        'Reps review the items of the accounts they own; managers see every item, the queues (bull-board) and, later, the dashboards.',
        'Accounts get their owner from the imported book (the owner email column); `reps add` with the same email gives that rep a sign-in link.',
      ]),
    );
  reps
    .command('add')
    .summary('add or update a rep or manager and print a one-time sign-in link')
    .description(
      prose([
        'Adds the rep (or updates the name, role and time zone of the rep with this email) and prints a sign-in link for `bookrun web`.',
        'The link works once and expires after BOOKRUN_SIGNIN_TTL_MS (24 hours by default); a new `reps add` for the same email replaces it.',
        'Links are built on BOOKRUN_PUBLIC_URL (default http://127.0.0.1:BOOKRUN_WEB_PORT). Send each link only to its owner: whoever opens it signs in as them.',
      ]),
    )
    .requiredOption('--email <email>', 'the address the rep signs in as (lower-cased)')
    .requiredOption('--name <name>', 'the name shown in the app')
    .requiredOption('--role <role>', 'rep (reviews their own accounts) or manager (sees everything)')
    .option('--tz <zone>', 'IANA time zone dates are shown in, e.g. Europe/Berlin (default UTC for a new rep)')
    .option('--json', 'print one JSON object on stdout: {email, role, signInUrl, …}')
    .action(async (raw: unknown) => {
      const flags = AddFlags.parse(raw);
      const role = ROLE.safeParse(flags.role).data;
      if (!role) throw new UsageError(`--role must be rep or manager, not "${flags.role}"`);
      const input = { email: flags.email, name: flags.name, role, ...(flags.tz ? { timeZone: flags.tz } : {}) };
      const checked = AddRepInput.safeParse(input);
      if (!checked.success) throw new UsageError(checked.error.issues.map((i) => `--${i.path[0] === 'timeZone' ? 'tz' : String(i.path[0])} ${i.message}`).join('; '));
      const result = await withDb((db, config) => addRep(db, input, { publicUrl: config.web.publicUrl, signInTtlMs: config.web.signInTtlMs }));
      const { rep } = result;
      if (flags.json) {
        ctx.stdout(JSON.stringify({ email: rep.email, name: rep.name, role: rep.role, timeZone: rep.timeZone, created: result.created, signInUrl: result.signInUrl, expiresAt: result.expiresAt.toISOString() }));
        return;
      }
      ctx.stdout(`${result.created ? 'added' : 'updated'} ${rep.role} ${rep.name} <${rep.email}> (time zone ${rep.timeZone})`);
      ctx.stdout(`one-time sign-in link (valid until ${result.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC):`);
      ctx.stdout(`  ${result.signInUrl}`);
      ctx.stdout('open it while `bookrun web` runs; it works once.');
    });
  reps
    .command('list')
    .summary('reps and managers with their account counts')
    .option('--json', 'print one JSON object on stdout: {reps: [{email, name, role, accounts, pending, …}]}')
    .action(async (flags: { json?: boolean }) => {
      const all = await withDb((db) => listReps(db));
      if (flags.json) {
        ctx.stdout(JSON.stringify({ reps: all.map((r) => ({ email: r.email, name: r.name, role: r.role, timeZone: r.timeZone, accounts: r.accounts, pending: r.pending, disabled: r.disabled })) }));
        return;
      }
      if (all.length === 0) return ctx.stdout('no reps yet: import a book (owners become reps) or run bookrun reps add');
      ctx.stdout(`${'email'.padEnd(36)} ${'name'.padEnd(22)} ${'role'.padEnd(8)} ${'accounts'.padStart(8)} ${'pending'.padStart(8)}  time zone`);
      for (const r of all)
        ctx.stdout(`${r.email.slice(0, 36).padEnd(36)} ${r.name.slice(0, 22).padEnd(22)} ${r.role.padEnd(8)} ${String(r.accounts).padStart(8)} ${String(r.pending).padStart(8)}  ${r.timeZone}${r.disabled ? '  (disabled)' : ''}`);
    });
}

