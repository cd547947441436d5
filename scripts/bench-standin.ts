/**
 * Stand-in throughput at zero latency: starts `bookrun standin` as its own process and drives it
 * with the real SDK from this one, a fixed number of requests at a fixed concurrency.
 * Usage: npm run bench:standin -- [--requests N] [--concurrency C] [--json]
 */
import Anthropic from '@anthropic-ai/sdk';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '64' }, json: { type: 'boolean', default: false } } });
const total = Number(values.requests);
const concurrency = Number(values.concurrency);

const prompt = [
  'Score this account.',
  JSON.stringify({ account_id: 'acc-1', name: 'Northwind Logistics', industry: 'Freight', stage: 'discovery', arr: 420000, signals: ['New hub in Rotterdam', 'Hiring planners'], facts: [{ id: 'F1', text: 'Northwind opened a hub in Rotterdam' }] }),
].join('\n');
const schema = { type: 'object', additionalProperties: false, required: ['score', 'tier', 'rationale'], properties: { score: { type: 'integer' }, tier: { type: 'string', enum: ['A', 'B', 'C', 'D'] }, rationale: { type: 'string' } } };

const child = spawn(process.execPath, [new URL('../bin/bookrun.js', import.meta.url).pathname, 'standin', '--port', '0', '--rpm', '100000000', '--itpm', '1000000000000', '--otpm', '1000000000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
const url = /(http:\/\/\S+)/.exec(line)?.[1];
if (!url) throw new Error(`unexpected first line: ${line}`);
const sdk = new Anthropic({ apiKey: 'bench', baseURL: url, maxRetries: 0 });

async function run(kind: 'plain' | 'structured', n: number): Promise<{ kind: string; requests: number; seconds: number; perSecond: number }> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        await sdk.messages.create({
          model: 'claude-sonnet-5-5',
          max_tokens: 512,
          messages: [{ role: 'user', content: prompt }],
          ...(kind === 'structured' ? { output_config: { format: { type: 'json_schema' as const, schema } } } : {}),
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { kind, requests: n, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(n / seconds) };
}

try {
  await run('plain', Math.min(2000, total)); // warm-up (JIT, sockets)
  const results = [await run('plain', total), await run('structured', total)];
  const machine = { cores: cpus().length, node: process.version, concurrency };
  if (values.json) console.log(JSON.stringify({ machine, results }));
  else for (const r of results) console.log(`${r.kind.padEnd(10)} ${r.requests} requests in ${r.seconds} s = ${r.perSecond} req/s (concurrency ${concurrency}, ${machine.cores} cores, node ${machine.node})`);
} finally {
  child.kill('SIGTERM');
}
