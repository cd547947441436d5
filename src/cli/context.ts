/** What every command gets from the entry point: output channels and process signals. */
export type CliContext = {
  /** One line to stdout (results, the JSON object of `--json`). */
  stdout: (line: string) => void;
  /** One line to stderr (logs, progress). */
  stderr: (line: string) => void;
  /** Resolves on SIGINT or SIGTERM; long-running commands await it, then shut down. */
  untilSignal: () => Promise<NodeJS.Signals>;
  /** Raw stderr writes for redrawing progress bars in place; absent when stderr is not a terminal. */
  stderrTty?: { write: (text: string) => void; columns: number } | undefined;
};

export function processContext(): CliContext {
  return {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    stderrTty: process.stderr.isTTY ? { write: (text) => process.stderr.write(text), columns: process.stderr.columns || 80 } : undefined,
    untilSignal: () =>
      new Promise((resolve) => {
        const on = (signal: NodeJS.Signals) => {
          process.off('SIGINT', on);
          process.off('SIGTERM', on);
          resolve(signal);
        };
        process.on('SIGINT', on);
        process.on('SIGTERM', on);
      }),
  };
}
