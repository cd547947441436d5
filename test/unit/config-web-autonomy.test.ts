/** Configuration added by issues 6 and 7: the web app's addresses and lifetimes, the autonomy policy. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('builds the public URL from the port unless one is given, without a trailing slash', () => {
    expect(loadConfig({}).web).toMatchObject({ port: 4300, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:4300' });
    expect(loadConfig({ BOOKRUN_WEB_PORT: '5100' }).web.publicUrl).toBe('http://127.0.0.1:5100');
    expect(loadConfig({ BOOKRUN_PUBLIC_URL: 'https://review.example.test/' }).web.publicUrl).toBe('https://review.example.test');
    expect(() => loadConfig({ BOOKRUN_SESSION_TTL_MS: '10' })).toThrow(/BOOKRUN_SESSION_TTL_MS/);
  });

  it('merges BOOKRUN_AUTONOMY_POLICY over the defaults and names what is wrong in it', () => {
    const stock = loadConfig({}).autonomy;
    expect(stock).toMatchObject({ windowDays: 30, heavyEditRatio: 0.3, levels: { spot_check: { minSample: 50, minLowerBound: 0.8 }, autonomous: { minSample: 200 } } });
    const tuned = loadConfig({ BOOKRUN_AUTONOMY_POLICY: '{"windowDays":14,"levels":{"spot_check":{"minSample":80}}}' }).autonomy;
    expect(tuned).toMatchObject({ windowDays: 14, levels: { spot_check: { minSample: 80, minLowerBound: 0.8 }, autonomous: { minSample: 200 } } });
    expect(() => loadConfig({ BOOKRUN_AUTONOMY_POLICY: '{windowDays: 14}' })).toThrow(/BOOKRUN_AUTONOMY_POLICY is not JSON/);
    expect(() => loadConfig({ BOOKRUN_AUTONOMY_POLICY: '{"heavyEditRatio": 2}' })).toThrow(ConfigError);
    expect(() => loadConfig({ BOOKRUN_AUTONOMY_POLICY: '{"heavyEditRatio": 2}' })).toThrow(/BOOKRUN_AUTONOMY_POLICY heavyEditRatio/);
  });
});
