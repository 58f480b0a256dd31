import SqliteDatabase from 'better-sqlite3';

/**
 * One Kairos process per SQLite file: the engine keeps its leases in memory and takes them all
 * back on start, which is only safe when no other process can be delivering the same runs.
 *
 * The guard is an exclusive lock on a small companion file (`<file>-lock`), held for as long as
 * the process runs and dropped by the operating system when it ends, however it ends. The
 * database itself stays in normal locking mode, so this process's engine SQL thread can open it.
 * Returns the release, or null when another process holds the file.
 */
export function holdSqliteFile(path: string): (() => void) | null {
  // No busy wait: a held lock means another process, now.
  const lock = new SqliteDatabase(`${path}-lock`, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.pragma('journal_mode = OFF');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw err;
  }
  return () => lock.close();
}
