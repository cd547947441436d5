/** Opens the configured database for one command, checks it answers and is migrated, and closes it after. */
import { checkDatabase, createDb, type Db } from '../../db/client.ts';
import { loadConfig, type Config } from '../config.ts';

export async function withDb<T>(fn: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = createDb(config.databaseUrl, { max: 2 });
  try {
    await checkDatabase(handle, config.databaseUrl);
    return await fn(handle.db, config);
  } finally {
    await handle.close();
  }
}
