/**
 * The suite's own PostgreSQL cluster: initdb into a temp dir, a free loopback port, the unix
 * socket inside the temp dir, fsync on. Started and stopped with the distribution's pg_ctl; the
 * crash is `pg_ctl stop -m immediate` (no checkpoint; the restart replays WAL, reliability-and-
 * security.md V9). The postmaster PID comes from this cluster's own postmaster.pid. The machine's
 * shared Postgres is never touched.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './wait.ts';

const run = promisify(execFile);

export type PgInstance = {
  port: number;
  /** URL of the `bookrun` database (created by `bookrun db migrate`). */
  url: string;
  dataDir: string;
  logPath: string;
  /** The postmaster's PID as its postmaster.pid says, or undefined while stopped. */
  postmasterPid(): number | undefined;
  /** `pg_ctl stop -m immediate`: every backend dies at once, nothing is checkpointed. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops for good (immediate: the data dir is deleted next anyway). */
  stop(): Promise<void>;
  tail(lines?: number): string;
};

/** The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl. */
export function findPgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL server binaries under ${base} (Debian: apt-get install postgresql); the fault suite needs initdb and pg_ctl`);
  return join(base, newest, 'bin');
}

/** initdb refuses to run as root: as root, the cluster belongs to the `postgres` user. */
const asRoot = process.getuid?.() === 0;

async function pgTool(bin: string, tool: string, args: string[]): Promise<string> {
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  try {
    const { stdout, stderr } = await run(command, argv, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' }, timeout: 120_000 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: error });
  }
}

export async function startPostgres(root: string): Promise<PgInstance> {
  const bin = findPgBin();
  const dir = join(root, 'pg');
  mkdirSync(dir, { recursive: true });
  if (asRoot) {
    // The postgres user must reach its dir through the (root-owned, 0700) temp root.
    chmodSync(root, 0o755);
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const logPath = join(dir, 'postgres.log');
  const port = await freePort();
  // --no-sync only skips initdb's own final fsync; the server itself runs with fsync on.
  await pgTool(bin, 'initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, '-c fsync=on', '-c max_connections=200'].join(' ');

  const postmasterPid = () => {
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const start = async () => {
    await pgTool(bin, 'pg_ctl', ['-D', dataDir, '-l', logPath, '-w', '-t', '120', '-o', options, 'start']);
  };
  const stopImmediate = async () => {
    if (postmasterPid() === undefined) return;
    await pgTool(bin, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '60', 'stop']);
  };
  await start();
  // If the test process dies without its afterAll, take the cluster down with it: SIGQUIT is
  // Postgres's immediate shutdown, sent to the PID from this cluster's own postmaster.pid.
  const onExit = () => {
    const pid = postmasterPid();
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);

  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/bookrun`,
    dataDir,
    logPath,
    postmasterPid,
    crash: stopImmediate,
    start,
    async stop() {
      process.off('exit', onExit);
      await stopImmediate();
    },
    tail(lines = 20) {
      try {
        return `--- postgres (${logPath}) ---\n${readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`;
      } catch {
        return `--- postgres: no log at ${logPath} ---`;
      }
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error('running as root but there is no postgres user to own the test cluster (initdb refuses root)');
  return { uid: Number(uid), gid: Number(gid) };
}
