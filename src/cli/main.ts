/**
 * The `bookrun` program. Each command lives in its own file and registers itself here;
 * `main` maps every outcome to an exit code in one place (`exit.ts`).
 */
import { Command } from 'commander';
import { configureAutonomyCommand } from './autonomy.ts';
import { configureBookCommand } from './book.ts';
import { processContext, type CliContext } from './context.ts';
import { configureDbCommand } from './db.ts';
import { configureDemoCommand } from './demo.ts';
import { exitCodeFor, EXIT_OK } from './exit.ts';
import { configureOutboxCommand } from './outbox.ts';
import { configureRepsCommand } from './reps.ts';
import { configureRunCommand } from './run.ts';
import { configureRunsCommand } from './runs.ts';
import { configureScheduleCommand } from './schedule.ts';
import { configureStandinCommand } from './standin.ts';
import { configureWebCommand } from './web.ts';
import { configureWorkerCommand } from './worker.ts';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('bookrun')
    .description('Runs a sales book of accounts through AI sub-agents every night, under a hard token budget.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout(s.replace(/\n$/, '')), writeErr: (s) => ctx.stderr(s.replace(/\n$/, '')) });
  configureStandinCommand(program, ctx);
  configureDemoCommand(program, ctx);
  configureDbCommand(program, ctx);
  configureBookCommand(program, ctx);
  configureRunCommand(program, ctx);
  configureRunsCommand(program, ctx);
  configureWorkerCommand(program, ctx);
  configureOutboxCommand(program, ctx);
  configureScheduleCommand(program, ctx);
  configureRepsCommand(program, ctx);
  configureAutonomyCommand(program, ctx);
  configureWebCommand(program, ctx);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  try {
    await buildProgram(ctx).parseAsync([...argv]);
    return EXIT_OK;
  } catch (error) {
    return exitCodeFor(error, ctx.stderr);
  }
}
