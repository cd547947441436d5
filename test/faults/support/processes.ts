/**
 * Child processes of the fault suite: every server and worker it starts is spawned here, its PID
 * written to a pidfile in the suite's temp dir, and its output kept in a log file. Signals go only
 * to those recorded PIDs, and only while the process is known to be alive, so a recycled PID is
 * never hit (reliability-and-security.md §6.0: never a name-based kill).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BOOKRUN_BIN = join(REPO_ROOT, 'bin', 'bookrun.js');

export type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number };

export type SpawnSpec = {
  name: string;
  command: string;
  args: string[];
  /** Where the pidfile and log go. */
  dir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolve `spawn` only once a line matching `pattern` appears on `stream`. */
  ready?: { stream: 'stdout' | 'stderr'; pattern: RegExp; timeoutMs?: number };
};

/** A process this suite started. */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  readonly pidPath: string;
  readonly startedAt = Date.now();
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  private exitInfo: Exit | undefined;
  private readonly lines: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
  private readonly listeners = new Set<() => void>();

  constructor(child: ChildProcess, spec: SpawnSpec, log: WriteStream) {
    if (child.pid === undefined) throw new Error(`${spec.name}: spawn returned no pid`);
    this.name = spec.name;
    this.pid = child.pid;
    this.logPath = join(spec.dir, `${spec.name}.log`);
    this.pidPath = join(spec.dir, `${spec.name}.pid`);
    writeFileSync(this.pidPath, `${this.pid}\n`);
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        const text = partial + chunk.toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        if (parts.length === 0) return;
        this.lines[stream].push(...parts);
        for (const notify of this.listeners) notify();
      });
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal, at: Date.now() };
        for (const notify of this.listeners) notify();
        resolve(this.exitInfo);
      });
    });
    // 'close' comes after the last output chunk ('exit' may come before it).
    child.once('close', () => log.end());
  }

  get isRunning(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): Exit | undefined {
    return this.exitInfo;
  }

  /** Sends `signal` to the recorded PID, unless the process has already exited. */
  signal(signal: NodeJS.Signals): boolean {
    if (!this.isRunning) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** `kill -9` by recorded PID; resolves with the exit once the kernel reports it. */
  async kill9(): Promise<Exit> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /** Every line seen so far on `stream`. */
  output(stream: 'stdout' | 'stderr'): readonly string[] {
    return this.lines[stream];
  }

  /** Resolves with the first line on `stream` matching `pattern`; rejects if the process exits or time runs out first. */
  waitForLine(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.lines[stream].find((l) => pattern.test(l));
        if (line !== undefined) return done(() => resolve(line));
        if (!this.isRunning) return done(() => reject(new Error(`${this.name} exited (${describeExit(this.exitInfo)}) before printing ${pattern}\n${this.tail(30)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms\n${this.tail(30)}`))), timeoutMs);
      const done = (finish: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        finish();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** The last `n` lines of the log file, labelled, for failure messages. */
  tail(n = 40): string {
    let text: string;
    try {
      text = readFileSync(this.logPath, 'utf8');
    } catch {
      text = [...this.lines.stdout, ...this.lines.stderr].join('\n');
    }
    const lines = text.trimEnd().split('\n').slice(-n);
    return `--- ${this.name} (pid ${this.pid}, ${this.isRunning ? 'running' : describeExit(this.exitInfo)}; ${this.logPath}) ---\n${lines.join('\n')}`;
  }
}

export function describeExit(exit: Exit | undefined): string {
  if (!exit) return 'running';
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/**
 * The processes of one test file. `stopAll` (afterAll) kills whatever is still running; an exit
 * hook does the same synchronously if the test process itself dies, so no worker outlives it.
 */
export class ProcessGroup {
  private readonly all: ManagedProcess[] = [];
  private readonly onExit = () => {
    for (const p of this.all) p.signal('SIGKILL');
  };

  constructor() {
    process.once('exit', this.onExit);
  }

  get processes(): readonly ManagedProcess[] {
    return this.all;
  }

  async spawn(spec: SpawnSpec): Promise<ManagedProcess> {
    const log = createWriteStream(join(spec.dir, `${spec.name}.log`), { flags: 'a' });
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd ?? REPO_ROOT, env: spec.env ?? {}, stdio: ['ignore', 'pipe', 'pipe'] });
    // A binary that cannot start reports through 'error', not 'exit'; surface it as a thrown error.
    const failed = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`${spec.name}: cannot start ${spec.command}: ${e.message}`))));
    failed.catch(() => {}); // only awaited while starting; a later 'error' must not become an unhandled rejection
    if (child.pid === undefined) await failed;
    const managed = new ManagedProcess(child, spec, log);
    this.all.push(managed);
    if (spec.ready) await Promise.race([managed.waitForLine(spec.ready.stream, spec.ready.pattern, spec.ready.timeoutMs ?? 30_000), failed]);
    return managed;
  }

  /** Starts `node bin/bookrun.js ARGS` (the CLI exactly as an operator runs it). */
  spawnBookrun(spec: Omit<SpawnSpec, 'command' | 'args'> & { args: string[] }): Promise<ManagedProcess> {
    return this.spawn({ ...spec, command: process.execPath, args: [BOOKRUN_BIN, ...spec.args] });
  }

  running(prefix = ''): ManagedProcess[] {
    return this.all.filter((p) => p.isRunning && p.name.startsWith(prefix));
  }

  /** Logs of the processes whose name starts with `prefix`, for a failure message. */
  tails(prefix = '', lines = 25): string {
    return this.all
      .filter((p) => p.name.startsWith(prefix))
      .map((p) => p.tail(lines))
      .join('\n');
  }

  /** SIGKILLs every process still running (by recorded PID) and waits for each exit. */
  async stopAll(prefix = ''): Promise<void> {
    await Promise.all(this.running(prefix).map((p) => p.kill9()));
  }

  dispose(): void {
    process.off('exit', this.onExit);
  }
}
