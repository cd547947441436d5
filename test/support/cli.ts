/** Runs the CLI in-process with a capturing context and a temporary environment. */
import { main } from '../../src/cli/main.ts';

export type CliRun = { code: number; stdout: string[]; stderr: string[] };

export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const code = await main(['node', 'bookrun', ...args], {
      stdout: (l) => stdout.push(l),
      stderr: (l) => stderr.push(l),
      untilSignal: () => new Promise(() => {}),
    });
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
