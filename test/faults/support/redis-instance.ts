/**
 * The suite's own redis-server: a free loopback port, a temp data dir, AOF `everysec` and
 * `noeviction` (the production settings, queue-and-durability.md §2.11), and no RDB snapshots so
 * the AOF alone decides what survives. The machine's shared Redis is never touched.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { ManagedProcess, ProcessGroup } from './processes.ts';
import { freePort, sleep, waitFor } from './wait.ts';

export type RedisInstance = {
  port: number;
  url: string;
  dir: string;
  /** The running server (a new one after each restart). */
  readonly process: ManagedProcess | undefined;
  /** `kill -9` by recorded PID. */
  kill(): Promise<void>;
  /** `kill -9`, `downMs` of outage, then the same port and dir again: with AOF on, the data comes back (AOF replay). */
  restart(downMs?: number): Promise<void>;
  /** `kill -9`, delete every data file, `downMs` of outage, start empty: Redis lost everything. */
  wipe(downMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export async function startRedis(procs: ProcessGroup, root: string, options: { appendOnly?: boolean } = {}): Promise<RedisInstance> {
  const dir = join(root, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--appendonly', options.appendOnly === false ? 'no' : 'yes',
    '--appendfsync', 'everysec',
    '--save', '',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
  ];
  let incarnation = 0;
  let current: ManagedProcess | undefined;

  const start = async () => {
    incarnation += 1;
    current = await procs.spawn({ name: `redis-${incarnation}`, command: 'redis-server', args, dir: root, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
    // +PONG only once the AOF is loaded (a loading server answers -LOADING).
    await waitFor(`redis on port ${port} to answer PING`, () => ping(port), { timeoutMs: 30_000, intervalMs: 50 });
  };
  const kill = async () => {
    await current?.kill9();
  };
  await start();

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get process() {
      return current;
    },
    kill,
    async restart(downMs = 0) {
      await kill();
      await sleep(downMs);
      await start();
    },
    async wipe(downMs = 0) {
      await kill();
      // Redis 7 keeps a multi-part AOF in appendonlydir/; older layouts and RDB files are removed too.
      for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
      await sleep(downMs);
      await start();
    },
    stop: kill,
  };
}

/** PING over a raw socket: resolves true on +PONG, undefined otherwise (for `waitFor`). */
function ping(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (value: true | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1_000, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG') ? true : undefined));
  });
}
