/**
 * Provider-limit saturation: starts `bookrun standin` as its own process with RPM/ITPM/OTPM limits
 * and drives it with N concurrent callers through the fleet limiter (src/budget/rate-limit.ts)
 * and the real client (`createLlmClient`, maxRetries 0), as workers would. After the initial
 * burst (a new bucket is full) has been spent, it measures a window and prints the achieved
 * requests, input and output tokens per minute as a share of each limit, and every 429.
 * Target: ≥ 90% of the binding limit, 0 failures.
 *
 * Usage: tsx scripts/bench-rate-limit.ts [--rpm N] [--itpm N] [--otpm N] [--concurrency N]
 *        [--seconds N] [--latency-ms N] [--json]
 * Each flag also reads BOOKRUN_BENCH_<FLAG> (e.g. BOOKRUN_BENCH_RPM); REDIS_URL picks the Redis.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once, setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { createRateLimiter, modelClass, rateLimitedInput, waitForCapacity } from '../src/budget/rate-limit.ts';
import { createLlmClient } from '../src/llm/client.ts';
import { LlmError } from '../src/llm/errors.ts';
import { createHttpFetch } from '../src/llm/http-fetch.ts';
import type { MessageRequest } from '../src/llm/types.ts';

const FLAGS = { rpm: 600, itpm: 60_000, otpm: 4_000_000, concurrency: 50, seconds: 20, 'latency-ms': 200 } as const;
const { values } = parseArgs({
  options: {
    ...Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: 'string' as const }])),
    json: { type: 'boolean', default: false },
  },
});
const Count = z.coerce.number().int().positive();
const flag = (name: keyof typeof FLAGS): number => {
  const raw = (values as Record<string, unknown>)[name] ?? process.env[`BOOKRUN_BENCH_${name.replace('-', '_').toUpperCase()}`];
  const parsed = Count.safeParse(raw ?? FLAGS[name]);
  if (!parsed.success) throw new Error(`--${name} must be a positive integer, got ${String(raw)}`);
  return parsed.data;
};
const limits = { rpm: flag('rpm'), itpm: flag('itpm'), otpm: flag('otpm') };
const concurrency = flag('concurrency');
const seconds = flag('seconds');
const latencyMs = flag('latency-ms');
const log = (line: string) => process.stderr.write(`${line}\n`);

const MODEL = 'claude-sonnet-5-5';
const CLS = modelClass(MODEL);
const MAX_TOKENS = 256;

const child = spawn(
  process.execPath,
  [new URL('../bin/bookrun.js', import.meta.url).pathname, 'standin', '--port', '0', '--rpm', String(limits.rpm), '--itpm', String(limits.itpm), '--otpm', String(limits.otpm), '--latency-ms', String(latencyMs)],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
const url = /(http:\/\/\S+)/.exec(line)?.[1];
if (!url) throw new Error(`unexpected first line from the stand-in: ${line}`);

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const prefix = `{bench-rate-limit-${randomUUID().slice(0, 8)}}`;
const httpFetch = createHttpFetch({ maxSockets: concurrency });
const llm = createLlmClient({ apiKey: 'bench', baseURL: url, maxRetries: 0, timeoutMs: 30_000, models: { default: MODEL, bySkill: {} }, fetch: httpFetch });
const limiter = createRateLimiter(redis, { prefix, limits });

try {
  // Accounts of different sizes, so input tokens per call vary as in a real book.
  const requests: Array<{ request: MessageRequest; estimate: number }> = [];
  for (let i = 0; i < 40; i++) {
    const facts = Array.from({ length: 2 + (i % 12) }, (_, k) => ({ id: `F${k + 1}`, text: `Account ${i} fact ${k}: expanded into region ${k % 5}, hiring ${k * 3} people` }));
    const request: MessageRequest = { model: MODEL, maxTokens: MAX_TOKENS, messages: [{ role: 'user', content: `Research this account.\n${JSON.stringify({ account_id: `acc-${i}`, name: `Account ${i}`, facts })}` }] };
    // count_tokens counts the whole prompt: an upper bound of what ITPM charges.
    requests.push({ request, estimate: await llm.countTokens(request) });
  }

  type Admission = { at: number; input: number; output: number };
  const admissions: Admission[] = [];
  let rateLimited = 0;
  let failures = 0;
  let drainedAt: number | undefined;
  let acquires = 0;
  // Output is charged by the server when it admits a call, so an estimate is taken up front:
  // max_tokens until a call has finished, then the most any call produced.
  let maxOutputSeen = 0;
  const counting = {
    ...limiter,
    acquire: async (cls: string, demand: Parameters<typeof limiter.acquire>[1]) => {
      acquires++;
      const r = await limiter.acquire(cls, demand);
      if (!r.ok) drainedAt ??= performance.now();
      return r;
    },
  };

  const stop = new AbortController();
  // Every caller sleeps on this one signal (a job would have its own).
  setMaxListeners(concurrency * 2, stop.signal);
  const started = performance.now();
  let windowStart = Infinity;
  let windowEnd = Infinity;
  const timer = setInterval(() => {
    if (drainedAt === undefined || windowStart !== Infinity) return;
    // A second after the first refusal the buckets sit at their floor: measure from there.
    windowStart = drainedAt + 1_000;
    windowEnd = windowStart + seconds * 1_000;
    log(`burst spent after ${((drainedAt - started) / 1000).toFixed(1)} s; measuring ${seconds} s`);
    setTimeout(() => stop.abort(), Math.max(0, windowEnd - performance.now())).unref();
  }, 50);
  setTimeout(() => stop.abort(), 120_000 + seconds * 1_000).unref();

  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop.signal.aborted) {
        const { request, estimate } = requests[next++ % requests.length]!;
        const output = maxOutputSeen || MAX_TOKENS;
        const demand = { inputTokens: estimate, outputTokens: output };
        for (;;) {
          const waited = await waitForCapacity(counting, CLS, demand, { signal: stop.signal }).catch(() => undefined);
          if (!waited) return;
          if (!waited.ok) {
            // Stands in for a delayed BullMQ job.
            await sleep(waited.delayMs, undefined, { signal: stop.signal }).catch(() => undefined);
            continue;
          }
          const at = performance.now();
          try {
            const result = await llm.message(request);
            const input = rateLimitedInput(result.usage);
            await limiter.settle(CLS, { estimatedInput: estimate, actualInput: input, estimatedOutput: output, outputTokens: result.usage.output });
            await limiter.observe(CLS, result.record.rateLimit);
            maxOutputSeen = Math.max(maxOutputSeen, result.usage.output);
            admissions.push({ at, input, output: result.usage.output });
            break;
          } catch (error) {
            await limiter.settle(CLS, { estimatedInput: estimate, actualInput: 0, estimatedOutput: output, outputTokens: 0 });
            if (error instanceof LlmError && error.kind === 'rate_limited') {
              rateLimited++;
              await limiter.backoff(CLS, error.retryAfterMs ?? 1_000);
              continue;
            }
            failures++;
            log(`call failed: ${error instanceof Error ? error.message : String(error)}`);
            break;
          }
        }
      }
    }),
  );
  clearInterval(timer);

  const measured = admissions.filter((a) => a.at >= windowStart && a.at < windowEnd);
  const minutes = seconds / 60;
  const sum = (f: (a: Admission) => number) => measured.reduce((n, a) => n + f(a), 0);
  const achieved = { rpm: measured.length / minutes, itpm: sum((a) => a.input) / minutes, otpm: sum((a) => a.output) / minutes };
  const percent = { rpm: (100 * achieved.rpm) / limits.rpm, itpm: (100 * achieved.itpm) / limits.itpm, otpm: (100 * achieved.otpm) / limits.otpm };
  const binding = (['rpm', 'itpm', 'otpm'] as const).reduce((a, b) => (percent[b] > percent[a] ? b : a));
  const report = {
    limits,
    concurrency,
    latencyMs,
    seconds,
    calls: admissions.length,
    measuredCalls: measured.length,
    achieved: { rpm: Math.round(achieved.rpm), itpm: Math.round(achieved.itpm), otpm: Math.round(achieved.otpm) },
    percent: { rpm: round1(percent.rpm), itpm: round1(percent.itpm), otpm: round1(percent.otpm) },
    binding,
    rateLimited,
    failures,
    /** Limiter round trips per call: waiters re-ask after each wait, so this grows with callers per unit of refill. */
    acquiresPerCall: round1(acquires / Math.max(1, admissions.length)),
  };
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(`limits ${limits.rpm} rpm, ${limits.itpm} itpm, ${limits.otpm} otpm · ${concurrency} callers · ${latencyMs} ms latency · ${seconds} s measured (${measured.length} of ${admissions.length} calls)`);
    console.log(`requests/min      ${report.achieved.rpm} = ${report.percent.rpm}% of ${limits.rpm}`);
    console.log(`input tokens/min  ${report.achieved.itpm} = ${report.percent.itpm}% of ${limits.itpm}`);
    console.log(`output tokens/min ${report.achieved.otpm} = ${report.percent.otpm}% of ${limits.otpm}`);
    console.log(`binding limit ${binding}: ${report.percent[binding]}% · 429s ${rateLimited} · failures ${failures} · ${report.acquiresPerCall} acquires per call`);
  }
  process.exitCode = failures === 0 && report.percent[binding] >= 90 ? 0 : 1;
} finally {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  httpFetch.close();
  child.kill('SIGTERM');
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
