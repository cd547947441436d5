/** `bookrun standin` as a real process: the first stdout line, serving, help, usage errors, shutdown. */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { KNOBS } from '../../src/cli/standin.ts';

const BIN = new URL('../../bin/bookrun.js', import.meta.url).pathname;

describe('when bookrun standin runs as a process', () => {
  it('prints the listening line first, serves the API, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'standin', '--port', '0', '--rpm', '77'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const match = /^bookrun standin listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
      expect(match).not.toBeNull();
      const res = await fetch(`${match?.[1]}/v1/models`, { headers: { authorization: 'Bearer k' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('anthropic-ratelimit-requests-limit')).toBe('77');
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('documents every knob, with its environment variable, in --help', () => {
    const out = spawnSync(process.execPath, [BIN, 'standin', '--help'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    for (const knob of KNOBS) expect(out.stdout).toContain(knob.flag.split(' ')[0]);
    for (const env of ['BOOKRUN_STANDIN_LATENCY_MS', 'BOOKRUN_STANDIN_FAULT_RATE', 'BOOKRUN_STANDIN_RPM', 'BOOKRUN_STANDIN_ITPM', 'BOOKRUN_STANDIN_OTPM']) {
      expect(out.stdout).toContain(env);
    }
  });

  it('exits 2 with a clear message on a bad flag value', () => {
    const out = spawnSync(process.execPath, [BIN, 'standin', '--fault-rate', '7'], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--fault-rate');
  });

  it('exits 2 on an unknown option', () => {
    const out = spawnSync(process.execPath, [BIN, 'standin', '--nope'], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--nope');
  });
});
