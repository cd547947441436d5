/** The configuration issue 4 added: default caps, per-skill models, batch polling. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('takes a default cap in USD or tokens, and refuses both at once', () => {
    expect(loadConfig({ BOOKRUN_BUDGET_USD: '25.5' }).defaultBudget).toEqual({ kind: 'usd', usd: 25.5 });
    expect(loadConfig({ BOOKRUN_BUDGET_TOKENS: '1000000' }).defaultBudget).toEqual({ kind: 'tokens', tokens: 1_000_000 });
    expect(loadConfig({}).defaultBudget).toBeUndefined();
    expect(() => loadConfig({ BOOKRUN_BUDGET_USD: '5', BOOKRUN_BUDGET_TOKENS: '10' })).toThrow(ConfigError);
    expect(() => loadConfig({ BOOKRUN_BUDGET_USD: '-1' })).toThrow(/BOOKRUN_BUDGET_USD/);
  });

  it('runs prioritization on the small model unless BOOKRUN_MODEL names one model for all', () => {
    expect(loadConfig({}).llm.models.bySkill['prioritization']).toBe('claude-haiku-5-5');
    expect(loadConfig({ BOOKRUN_MODEL: 'claude-opus-5-5' }).llm.models.bySkill['prioritization']).toBeUndefined();
    expect(loadConfig({ BOOKRUN_MODEL: 'claude-opus-5-5', BOOKRUN_MODEL_PRIORITIZATION: 'claude-haiku-5-5' }).llm.models.bySkill['prioritization']).toBe('claude-haiku-5-5');
  });

  it('polls batches every second against the in-process stand-in and every 30 s against an API', () => {
    expect(loadConfig({}).policy.batchPollMs).toBe(1_000);
    expect(loadConfig({ ANTHROPIC_API_KEY: 'sk-test' }).policy.batchPollMs).toBe(30_000);
    expect(loadConfig({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }).policy.batchPollMs).toBe(30_000);
    expect(loadConfig({ BOOKRUN_BATCH_POLL_MS: '250' }).policy.batchPollMs).toBe(250);
  });
});
