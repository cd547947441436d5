/**
 * Live per-stage progress on stderr: bars redrawn in place on a terminal, one status line every
 * few seconds otherwise (CI logs, pipes). stdout stays clean for `--json`.
 */
import type { RunProgress } from '../run/progress.ts';
import type { CliContext } from './context.ts';

const STAGES = [
  ['research', 'research'],
  ['prioritize', 'prioritize'],
  ['draft', 'draft'],
  ['done', 'done'],
] as const;

const BAR_WIDTH = 28;
const PLAIN_EVERY_MS = 5_000;

export type ProgressView = { update(p: RunProgress): void; finish(p: RunProgress): void };

export function progressBars(ctx: CliContext, startedAt = Date.now()): ProgressView {
  const tty = ctx.stderrTty;
  let drawn = 0;
  let lastPlain = 0;
  const count = (p: RunProgress, key: (typeof STAGES)[number][1]) => (key === 'done' ? p.done + p.failed : p[key]);

  const frame = (p: RunProgress): string[] => {
    const total = Math.max(1, p.accounts);
    const seconds = (Date.now() - startedAt) / 1000;
    const lines = STAGES.map(([label, key]) => {
      const n = count(p, key);
      const filled = Math.round((n / total) * BAR_WIDTH);
      const extra = key === 'done' && p.failed ? `  (${p.failed} failed)` : '';
      return `${label.padEnd(11)} ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${fmt(n).padStart(7)}/${fmt(p.accounts)} ${String(Math.floor((n / total) * 100)).padStart(3)}%${extra}`;
    });
    const finished = p.done + p.failed;
    const rate = seconds > 0 ? finished / seconds : 0;
    const eta = rate > 0 && p.accounts > finished ? ` · ETA ${Math.ceil((p.accounts - finished) / rate)}s` : '';
    lines.push(`${p.status} · ${seconds.toFixed(1)}s · ${rate.toFixed(0)} accounts/s${eta}`);
    return lines;
  };

  const draw = (p: RunProgress, force: boolean) => {
    // Before the run job has snapshotted the book there is nothing to count yet.
    if (p.accounts === 0 && (p.status === 'pending' || p.status === 'running')) {
      if (!tty && !lastPlain) {
        lastPlain = Date.now();
        ctx.stderr('progress: snapshotting and pre-scoring the book …');
      }
      return;
    }
    if (tty) {
      const lines = frame(p).map((l) => l.slice(0, Math.max(20, tty.columns - 1)));
      // Move up over the previous frame and overwrite it line by line.
      tty.write(`${drawn ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
      drawn = lines.length;
      return;
    }
    const now = Date.now();
    if (!force && now - lastPlain < PLAIN_EVERY_MS) return;
    lastPlain = now;
    ctx.stderr(
      `progress: research ${p.research}/${p.accounts} · prioritize ${p.prioritize}/${p.accounts} · draft ${p.draft}/${p.accounts} · done ${p.done} · failed ${p.failed} · ${((now - startedAt) / 1000).toFixed(0)}s`,
    );
  };

  return { update: (p) => draw(p, false), finish: (p) => draw(p, true) };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
