/**
 * The one place CLI failures become exit codes: 0 success, 1 failure, 2 bad usage
 * (DESIGN.md, command-line contract).
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../config.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Thrown by commands for bad flags or arguments that commander itself cannot see. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function exitCodeFor(error: unknown, stderr: (line: string) => void): number {
  if (error instanceof CommanderError) {
    // Help and version output are successes; commander already printed its usage message.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
    return EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    stderr(`bookrun: ${error.message}`);
    return EXIT_USAGE;
  }
  if (error instanceof ConfigError) {
    stderr(`bookrun: ${error.message}`);
    return EXIT_USAGE;
  }
  stderr(`bookrun: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT_FAILURE;
}
