/**
 * The only reader of `process.env`. Entry points call `loadConfig()` once and pass the result
 * down; everything else receives configuration as arguments (reference/style.md C8).
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AutonomyPolicy } from './autonomy/types.ts';
import type { BudgetLimit } from './budget/units.ts';
import { StandinOptions } from './standin/options.ts';

const DEFAULT_MODEL = 'claude-sonnet-5-5';
/**
 * Built-in models per skill, used while neither `BOOKRUN_MODEL` nor the skill's own variable is
 * set: prioritization is a rubric applied to a brief, which the small model does well at a
 * twentieth of the price (reference/claude-api.md §5).
 */
const DEFAULT_SKILL_MODELS: Readonly<Record<string, string>> = { prioritization: 'claude-haiku-5-5' };

const number = (name: string) =>
  z
    .string()
    .trim()
    .refine((s) => s !== '' && Number.isFinite(Number(s)), { message: `${name} must be a number` })
    .transform(Number);

const boolean = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((s) => ['1', 'true', 'yes', 'on'].includes(s));

export const Env = z.object({
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/bookrun'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  /** Model for every skill that has no `BOOKRUN_MODEL_<SKILL>` of its own. */
  BOOKRUN_MODEL: z.string().min(1).default(DEFAULT_MODEL),
  /** SDK-level retries per call. Low on purpose: the queue owns retries and backpressure. */
  BOOKRUN_LLM_MAX_RETRIES: number('BOOKRUN_LLM_MAX_RETRIES').pipe(z.number().int().min(0).max(5)).default(1),
  BOOKRUN_LLM_TIMEOUT_MS: number('BOOKRUN_LLM_TIMEOUT_MS').pipe(z.number().int().positive()).default(120_000),
  BOOKRUN_STANDIN_PORT: number('BOOKRUN_STANDIN_PORT').optional(),
  BOOKRUN_STANDIN_LATENCY_MS: number('BOOKRUN_STANDIN_LATENCY_MS').optional(),
  BOOKRUN_STANDIN_TOKEN_LATENCY_MS: number('BOOKRUN_STANDIN_TOKEN_LATENCY_MS').optional(),
  BOOKRUN_STANDIN_FAULT_RATE: number('BOOKRUN_STANDIN_FAULT_RATE').optional(),
  BOOKRUN_STANDIN_FAULT_KINDS: z
    .string()
    .transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean))
    .optional(),
  BOOKRUN_STANDIN_RPM: number('BOOKRUN_STANDIN_RPM').optional(),
  BOOKRUN_STANDIN_ITPM: number('BOOKRUN_STANDIN_ITPM').optional(),
  BOOKRUN_STANDIN_OTPM: number('BOOKRUN_STANDIN_OTPM').optional(),
  BOOKRUN_STANDIN_OBEDIENT: boolean.optional(),
  BOOKRUN_STANDIN_SEED: number('BOOKRUN_STANDIN_SEED').optional(),
  BOOKRUN_STANDIN_BATCH_DELAY_MS: number('BOOKRUN_STANDIN_BATCH_DELAY_MS').optional(),
  BOOKRUN_STANDIN_API_KEY: z.string().min(1).optional(),
  /** BullMQ key prefix. The `{…}` hash tag keeps every queue of a flow on one Redis Cluster slot. */
  BOOKRUN_QUEUE_PREFIX: z.string().min(1).default('{bookrun}'),
  /**
   * Postgres connections per process. Small on purpose: postgres.js pipelines queries on a busy
   * connection and writes them together, and each socket write is a system call (measured: a
   * pool of 8–10 ran the bench faster than 40).
   */
  BOOKRUN_DB_POOL: number('BOOKRUN_DB_POOL').pipe(z.number().int().min(1).max(200)).default(10),
  /** Concurrent model calls per worker process. */
  BOOKRUN_CONCURRENCY: number('BOOKRUN_CONCURRENCY').pipe(z.number().int().min(1).max(500)).default(48),
  /** Tiers that get a drafted outreach; other tiers stop after prioritization. */
  BOOKRUN_DRAFT_TIERS: z
    .string()
    .transform((s) => s.split(',').map((t) => t.trim().toUpperCase()).filter(Boolean))
    .pipe(z.array(z.enum(['A', 'B', 'C', 'D'])))
    .default(['A', 'B']),
  /**
   * The provider's per-minute limits the fleet starts with, per model class. Replaced by the
   * `anthropic-ratelimit-*-limit` headers of the first responses, so they only need to be right
   * enough for the first burst.
   */
  BOOKRUN_PROVIDER_RPM: number('BOOKRUN_PROVIDER_RPM').pipe(z.number().int().positive()).default(4_000),
  BOOKRUN_PROVIDER_ITPM: number('BOOKRUN_PROVIDER_ITPM').pipe(z.number().int().positive()).default(2_000_000),
  BOOKRUN_PROVIDER_OTPM: number('BOOKRUN_PROVIDER_OTPM').pipe(z.number().int().positive()).default(400_000),
  /**
   * How often a batch-mode run polls its message batches: 30 s against the API (batches take
   * minutes to hours), 1 s against the in-process stand-in (its batches end in a moment).
   */
  BOOKRUN_BATCH_POLL_MS: number('BOOKRUN_BATCH_POLL_MS').pipe(z.number().int().min(10)).optional(),
  /** Mark each skill's stable prompt prefix for prompt caching (off only to measure what it saves). */
  BOOKRUN_PROMPT_CACHE: boolean.default(true),
  /** Share of undrafted accounts whose brief and tier go to review anyway, for honest accept rates. */
  BOOKRUN_REVIEW_SAMPLE_RATE: number('BOOKRUN_REVIEW_SAMPLE_RATE').pipe(z.number().min(0).max(1)).default(0.1),
  /** Default hard cap of a run in USD, when `bookrun run` is given none (unset: uncapped). */
  BOOKRUN_BUDGET_USD: number('BOOKRUN_BUDGET_USD').pipe(z.number().positive()).optional(),
  /** Default hard cap of a run in tokens (input + output + cache), when `bookrun run` is given none. */
  BOOKRUN_BUDGET_TOKENS: number('BOOKRUN_BUDGET_TOKENS').pipe(z.number().int().positive()).optional(),
  /**
   * How long a worker owns an active job without renewing its lock; a dead worker's jobs go back to
   * the queue about this long after it died. Above the worst Redis failover (reference:
   * queue-and-durability.md §2.6); the fault suite lowers it so recovery takes seconds.
   */
  BOOKRUN_LOCK_MS: number('BOOKRUN_LOCK_MS').pipe(z.number().int().min(1_000)).default(120_000),
  /** How often workers look for stalled jobs (jobs whose worker died). */
  BOOKRUN_STALLED_MS: number('BOOKRUN_STALLED_MS').pipe(z.number().int().min(500)).default(30_000),
  /** How often a worker reconciles unfinished runs between Postgres and the queue (also at start). */
  BOOKRUN_RECONCILE_MS: number('BOOKRUN_RECONCILE_MS').pipe(z.number().int().min(500)).default(60_000),
  /** On SIGTERM/SIGINT: how long active jobs may finish before their model calls are aborted and they are released. */
  BOOKRUN_SHUTDOWN_GRACE_MS: number('BOOKRUN_SHUTDOWN_GRACE_MS').pipe(z.number().int().min(0)).default(10_000),
  /** Where the outbox relay delivers approved side effects (a receiver that dedupes by `Idempotency-Key`); unset: held in Postgres until set. */
  BOOKRUN_OUTBOX_URL: z.url().optional(),
  /** Bearer token for the outbox receiver (never logged). */
  BOOKRUN_OUTBOX_TOKEN: z.string().min(1).optional(),
  /**
   * Fault injection for the fault suite: the process kills itself with SIGKILL at this named crash
   * point (src/faults/crash-point.ts), after passing it BOOKRUN_FAULT_SKIP times.
   */
  BOOKRUN_FAULT_AT: z.enum(['before_call', 'after_call', 'after_write', 'relay_before_send', 'relay_after_send', 'relay_after_record']).optional(),
  BOOKRUN_FAULT_SKIP: number('BOOKRUN_FAULT_SKIP').pipe(z.number().int().min(0)).default(0),
  /** Port `bookrun web` listens on. */
  BOOKRUN_WEB_PORT: number('BOOKRUN_WEB_PORT').pipe(z.number().int().min(0).max(65_535)).default(4300),
  /** Address `bookrun web` binds; loopback unless a TLS-terminating proxy fronts it. */
  BOOKRUN_WEB_HOST: z.string().min(1).default('127.0.0.1'),
  /** The address reps open (sign-in links are built on it); default `http://127.0.0.1:<BOOKRUN_WEB_PORT>`. */
  BOOKRUN_PUBLIC_URL: z.url().optional(),
  /** How long a signed-in session lasts (default 12 hours: one working day). */
  BOOKRUN_SESSION_TTL_MS: number('BOOKRUN_SESSION_TTL_MS').pipe(z.number().int().min(60_000)).default(12 * 3_600_000),
  /** How long a one-time sign-in link from `bookrun reps add` stays valid (default 24 hours). */
  BOOKRUN_SIGNIN_TTL_MS: number('BOOKRUN_SIGNIN_TTL_MS').pipe(z.number().int().min(60_000)).default(24 * 3_600_000),
  /**
   * The autonomy policy as JSON, merged over the defaults (src/autonomy/types.ts), e.g.
   * `{"windowDays":14,"levels":{"spot_check":{"minSample":80}}}`.
   */
  BOOKRUN_AUTONOMY_POLICY: z.string().min(2).optional(),
  /** Where the Agent Skills live; defaults to the `skills/` folder shipped with bookrun. */
  BOOKRUN_SKILLS_DIR: z.string().min(1).default(fileURLToPath(new URL('../skills', import.meta.url))),
});
export type Env = z.infer<typeof Env>;

/** Model ids per skill; `BOOKRUN_MODEL_<SKILL>` (skill name upper-cased, `-` → `_`) overrides. */
export type ModelConfig = { default: string; bySkill: Readonly<Record<string, string>> };

export type LlmConfig = {
  /** Set: talk to Claude (or to `baseURL` with this key). */
  apiKey: string | undefined;
  /** Set: talk to this Anthropic-compatible server instead of Claude. */
  baseURL: string | undefined;
  maxRetries: number;
  timeoutMs: number;
  models: ModelConfig;
  /** Starting per-minute limits of the fleet-wide rate limiter (refreshed from response headers). */
  limits: { rpm: number; itpm: number; otpm: number };
};

/** What a run does with each account, beyond what the skills say. */
export type PipelinePolicy = {
  draftTiers: ReadonlyArray<'A' | 'B' | 'C' | 'D'>;
  reviewSampleRate: number;
  /** Whether requests mark the skill prefix for prompt caching. */
  promptCache: boolean;
  /** Poll interval of batch-mode runs. */
  batchPollMs: number;
};

/** Crash recovery, reconcile and shutdown timings (src/run/reconcile.ts, src/queue/worker.ts). */
export type DurabilityConfig = {
  lockMs: number;
  stalledMs: number;
  reconcileMs: number;
  shutdownGraceMs: number;
};

/** The review web app (src/web): where it listens, the address in sign-in links, session lifetimes. */
export type WebConfig = {
  port: number;
  host: string;
  /** Origin reps open, without a trailing slash; sign-in links and the CSRF origin check use it. */
  publicUrl: string;
  sessionTtlMs: number;
  signInTtlMs: number;
};

/** The outbox relay's receiver (src/outbox/relay.ts); `url` unset: rows wait in Postgres. */
export type OutboxConfig = { url: string | undefined; token: string | undefined };

/** A named crash point and how many times to pass it first (fault suite only). */
export type FaultConfig = { at: string | undefined; skip: number };

export type Config = {
  durability: DurabilityConfig;
  outbox: OutboxConfig;
  web: WebConfig;
  /** What earns each workflow more autonomy (src/autonomy). */
  autonomy: AutonomyPolicy;
  fault: FaultConfig;
  /** The cap a run gets when none is given on the command line. */
  defaultBudget: BudgetLimit | undefined;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
  dbPool: number;
  skillsDir: string;
  policy: PipelinePolicy;
  llm: LlmConfig;
  /** Options for the in-process stand-in, started when neither a key nor a base URL is set. */
  standin: StandinOptions;
  /** Stand-in options set explicitly in the environment (others are defaults a command may adjust). */
  standinExplicit: ReadonlyArray<keyof StandinOptions>;
};

/** Thrown when the environment is invalid; the message lists every bad variable and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const SKILL_MODEL = /^BOOKRUN_MODEL_([A-Z0-9_]+)$/;

/** Parse the environment once. Throws `ConfigError` naming each offending variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" (a common shell idiom: `ANTHROPIC_API_KEY= bookrun …`).
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;

  // An explicit BOOKRUN_MODEL means one model everywhere unless a skill names its own.
  const bySkill: Record<string, string> = present['BOOKRUN_MODEL'] ? {} : { ...DEFAULT_SKILL_MODELS };
  for (const [key, value] of Object.entries(present)) {
    const match = SKILL_MODEL.exec(key);
    if (match?.[1] && value) bySkill[match[1].toLowerCase().replaceAll('_', '-')] = value;
  }

  const standinInput = dropUndefined({
      port: env.BOOKRUN_STANDIN_PORT,
      latencyMs: env.BOOKRUN_STANDIN_LATENCY_MS,
      tokenLatencyMs: env.BOOKRUN_STANDIN_TOKEN_LATENCY_MS,
      faultRate: env.BOOKRUN_STANDIN_FAULT_RATE,
      faultKinds: env.BOOKRUN_STANDIN_FAULT_KINDS,
      rpm: env.BOOKRUN_STANDIN_RPM,
      itpm: env.BOOKRUN_STANDIN_ITPM,
      otpm: env.BOOKRUN_STANDIN_OTPM,
      obedient: env.BOOKRUN_STANDIN_OBEDIENT,
      seed: env.BOOKRUN_STANDIN_SEED,
      batchDelayMs: env.BOOKRUN_STANDIN_BATCH_DELAY_MS,
      apiKey: env.BOOKRUN_STANDIN_API_KEY,
  });
  const standin = StandinOptions.safeParse(standinInput);
  if (!standin.success) {
    const lines = standin.error.issues.map((i) => `  BOOKRUN_STANDIN_${toEnvName(String(i.path[0] ?? ''))}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }

  if (env.BOOKRUN_BUDGET_USD !== undefined && env.BOOKRUN_BUDGET_TOKENS !== undefined)
    throw new ConfigError('invalid environment:\n  BOOKRUN_BUDGET_USD and BOOKRUN_BUDGET_TOKENS are both set; a run has one cap, so set only one');
  const defaultBudget: BudgetLimit | undefined =
    env.BOOKRUN_BUDGET_USD !== undefined
      ? { kind: 'usd', usd: env.BOOKRUN_BUDGET_USD }
      : env.BOOKRUN_BUDGET_TOKENS !== undefined
        ? { kind: 'tokens', tokens: env.BOOKRUN_BUDGET_TOKENS }
        : undefined;

  return {
    autonomy: parseAutonomyPolicy(env.BOOKRUN_AUTONOMY_POLICY),
    durability: {
      lockMs: env.BOOKRUN_LOCK_MS,
      stalledMs: env.BOOKRUN_STALLED_MS,
      reconcileMs: env.BOOKRUN_RECONCILE_MS,
      shutdownGraceMs: env.BOOKRUN_SHUTDOWN_GRACE_MS,
    },
    outbox: { url: env.BOOKRUN_OUTBOX_URL, token: env.BOOKRUN_OUTBOX_TOKEN },
    web: {
      port: env.BOOKRUN_WEB_PORT,
      host: env.BOOKRUN_WEB_HOST,
      publicUrl: (env.BOOKRUN_PUBLIC_URL ?? `http://127.0.0.1:${env.BOOKRUN_WEB_PORT}`).replace(/\/+$/, ''),
      sessionTtlMs: env.BOOKRUN_SESSION_TTL_MS,
      signInTtlMs: env.BOOKRUN_SIGNIN_TTL_MS,
    },
    fault: { at: env.BOOKRUN_FAULT_AT, skip: env.BOOKRUN_FAULT_SKIP },
    defaultBudget,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.BOOKRUN_QUEUE_PREFIX,
    concurrency: env.BOOKRUN_CONCURRENCY,
    dbPool: env.BOOKRUN_DB_POOL,
    skillsDir: env.BOOKRUN_SKILLS_DIR,
    policy: {
      draftTiers: env.BOOKRUN_DRAFT_TIERS,
      reviewSampleRate: env.BOOKRUN_REVIEW_SAMPLE_RATE,
      promptCache: env.BOOKRUN_PROMPT_CACHE,
      // Neither a key nor a base URL: the in-process stand-in answers, and its batches end in a moment.
      batchPollMs: env.BOOKRUN_BATCH_POLL_MS ?? (env.ANTHROPIC_API_KEY === undefined && env.ANTHROPIC_BASE_URL === undefined ? 1_000 : 30_000),
    },
    llm: {
      apiKey: env.ANTHROPIC_API_KEY,
      baseURL: env.ANTHROPIC_BASE_URL,
      maxRetries: env.BOOKRUN_LLM_MAX_RETRIES,
      timeoutMs: env.BOOKRUN_LLM_TIMEOUT_MS,
      models: { default: env.BOOKRUN_MODEL, bySkill },
      limits: { rpm: env.BOOKRUN_PROVIDER_RPM, itpm: env.BOOKRUN_PROVIDER_ITPM, otpm: env.BOOKRUN_PROVIDER_OTPM },
    },
    standin: standin.data,
    standinExplicit: Object.keys(standinInput) as Array<keyof StandinOptions>,
  };
}

function parseAutonomyPolicy(json: string | undefined): AutonomyPolicy {
  if (json === undefined) return AutonomyPolicy.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`invalid environment:\n  BOOKRUN_AUTONOMY_POLICY is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = AutonomyPolicy.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  BOOKRUN_AUTONOMY_POLICY ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

function dropUndefined<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `latencyMs` → `LATENCY_MS`. */
export function toEnvName(option: string): string {
  return option.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
