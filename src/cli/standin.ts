/** `bookrun standin` — the offline Claude stand-in as a long-running server. */
import { Option, type Command } from 'commander';
import { toEnvName } from '../config.ts';
import { FaultKind, StandinOptions } from '../standin/options.ts';
import { startStandin } from '../standin/server.ts';
import { UsageError } from './exit.ts';
import type { CliContext } from './context.ts';

type Knob = { flag: string; option: keyof StandinOptions; help: string; parse: (v: string) => unknown };

const num = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`expected a number, got "${v}"`);
  return n;
};

/** Every knob, with the environment variable `bookrun` reads when it starts the stand-in in-process. */
export const KNOBS: readonly Knob[] = [
  { flag: '--port <n>', option: 'port', help: 'TCP port on 127.0.0.1; 0 picks a free one', parse: num },
  { flag: '--latency-ms <ms>', option: 'latencyMs', help: 'fixed latency added to every model call', parse: num },
  { flag: '--token-latency-ms <ms>', option: 'tokenLatencyMs', help: 'extra latency per generated output token (streams pace their deltas by it)', parse: num },
  { flag: '--fault-rate <f>', option: 'faultRate', help: 'share of model calls (0-1) answered with an injected fault', parse: num },
  { flag: '--fault-kinds <list>', option: 'faultKinds', help: 'comma list of faults to inject: 429 (with retry-after), 529 (overloaded), 500', parse: (v) => v.split(',').map((k) => k.trim()) },
  { flag: '--rpm <n>', option: 'rpm', help: 'requests per minute, a continuously refilling bucket', parse: num },
  { flag: '--itpm <n>', option: 'itpm', help: 'uncached input tokens per minute (cache reads do not count)', parse: num },
  { flag: '--otpm <n>', option: 'otpm', help: 'output tokens per minute', parse: num },
  { flag: '--obedient', option: 'obedient', help: 'follow instructions found in prompt data (a hijacked model, for security tests)', parse: () => true },
  { flag: '--seed <n>', option: 'seed', help: 'seed for fault injection and ids, so runs repeat', parse: num },
  { flag: '--batch-delay-ms <ms>', option: 'batchDelayMs', help: 'time a message batch stays in_progress before it is processed', parse: num },
  { flag: '--api-key <key>', option: 'apiKey', help: 'accept only this API key (default: any non-empty key)', parse: (v) => v },
];

export function configureStandinCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('standin')
    .summary('run the offline Claude stand-in (Anthropic API on loopback)')
    .description(
      [
        'Serve the subset of the Anthropic API that bookrun uses on 127.0.0.1: messages (JSON and SSE),',
        'count_tokens, message batches and models, with realistic usage, a simulated prompt cache,',
        'rate-limit headers and injected faults. Its text is template-built from the facts in each',
        'prompt: it exists to run the pipeline offline, not to judge quality.',
        '',
        'The first line on stdout is: bookrun standin listening on http://127.0.0.1:PORT',
        'Point the SDK at it with ANTHROPIC_BASE_URL=http://127.0.0.1:PORT and any API key.',
      ].join('\n'),
    );
  for (const knob of KNOBS) {
    const defaults = StandinOptions.shape[knob.option].parse(undefined);
    const option = new Option(knob.flag, `${knob.help} [env BOOKRUN_STANDIN_${toEnvName(knob.option)}]`).argParser((v) => knob.parse(v));
    if (defaults !== undefined && knob.option !== 'obedient') option.default(defaults, Array.isArray(defaults) ? defaults.join(',') : String(defaults));
    command.addOption(option);
  }
  command.addHelpText('after', `\nFault kinds: ${FaultKind.options.join(', ')}. Stop with Ctrl-C (SIGINT) or SIGTERM.`);

  command.action(async (flags: Record<string, unknown>) => {
    const parsed = StandinOptions.safeParse(flags);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const knob = KNOBS.find((k) => k.option === issue?.path[0]);
      throw new UsageError(`${knob?.flag.split(' ')[0] ?? 'option'}: ${issue?.message ?? 'invalid value'}`);
    }
    const standin = await startStandin(parsed.data);
    ctx.stdout(`bookrun standin listening on ${standin.url}`);
    const o = standin.options;
    ctx.stderr(`latency ${o.latencyMs} ms + ${o.tokenLatencyMs} ms/token · faults ${o.faultRate} (${o.faultKinds.join(',')}) · limits ${o.rpm} rpm, ${o.itpm} itpm, ${o.otpm} otpm${o.obedient ? ' · OBEDIENT' : ''}`);
    await ctx.untilSignal();
    await standin.close();
  });
}
