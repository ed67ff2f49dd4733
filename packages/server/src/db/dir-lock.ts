import fs from 'node:fs';
import path from 'node:path';

class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data folder ${dir} is in use by another Casework process (pid ${pid}). ` +
        'Stop that process first, or set CASEWORK_DATA_DIR to another folder, or use DATABASE_URL for PostgreSQL.',
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When a process started, in clock ticks since boot (Linux: field 22 of /proc/<pid>/stat), or
 * null where that cannot be read (another system, or the process is gone). With the pid it names
 * one process for good: a pid reused by another program has a later start.
 */
export function processStart(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command name, in parentheses) may hold spaces and ')': count from the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(rest[22 - 3]);
    return Number.isSafeInteger(start) ? start : null;
  } catch {
    return null;
  }
}

// Linux reports process start times in USER_HZ ticks, 100 a second on every mainstream architecture.
const TICKS_PER_SECOND = 100;

/** A process's start as a wall-clock time (ms), from the boot time in /proc/stat; null where unknown. */
function startedAtMs(start: number): number | null {
  try {
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1];
    return btime ? (Number(btime) + start / TICKS_PER_SECOND) * 1000 : null;
  } catch {
    return null;
  }
}

/** What a lock file says: `{"pid", "start"}`, or a bare pid (written by earlier versions); null if unreadable (a writer cut off mid-write). */
export function parseLock(text: string): { pid: number; start: number | null | undefined } | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { pid: Number(t), start: undefined };
  try {
    const v = JSON.parse(t) as { pid?: unknown; start?: unknown };
    if (!Number.isSafeInteger(v.pid) || (v.pid as number) <= 0) return null;
    if (v.start !== null && !Number.isSafeInteger(v.start)) return null;
    return { pid: v.pid as number, start: v.start as number | null };
  } catch {
    return null;
  }
}

/**
 * Whether the process a lock names still holds it: alive, and the same process that wrote it.
 * With a recorded start time, a live process with another start is a different program that got
 * the pid later (usual after a reboot or container restart). A bare pid from an earlier version
 * is judged by time: a process that started after the lock was written cannot have written it.
 * Where start times cannot be read, a live pid counts as the holder.
 */
function holds(lock: { pid: number; start: number | null | undefined }, writtenAtMs: number): boolean {
  if (!alive(lock.pid)) return false;
  const actual = processStart(lock.pid);
  if (actual === null) return true;
  if (lock.start !== undefined) return lock.start === null || lock.start === actual;
  const startedAt = startedAtMs(actual);
  // A second of slack: start times are counted in ticks, file times may be coarse.
  return startedAt === null || startedAt <= writtenAtMs + 1000;
}

/** The lock file's record and when it was written, or 'gone' if its holder removed it meanwhile. */
function readLock(file: string): { lock: ReturnType<typeof parseLock>; writtenAtMs: number } | 'gone' {
  try {
    const writtenAtMs = fs.statSync(file).mtimeMs;
    return { lock: parseLock(fs.readFileSync(file, 'utf8')), writtenAtMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
}

// Lock files this process holds: our own pid in a lock file we do not hold is a stale lock from
// an earlier process that had the same pid (usual after a container restart), not a live owner.
const held = new Set<string>();

/**
 * Takes the data folder for this process alone: a lock file naming this process (pid and start
 * time). A lock whose process no longer runs, or whose pid now belongs to another program, is
 * taken over. Returns the release function.
 */
export function acquireDirLock(dir: string): () => void {
  const file = path.join(dir, 'casework.lock');
  const record = JSON.stringify({ pid: process.pid, start: processStart(process.pid) });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, record, { flag: 'wx' });
      held.add(file);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(file);
        process.off('exit', release);
        try {
          fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const found = readLock(file);
      if (found === 'gone') continue;
      const { lock, writtenAtMs } = found;
      if (lock && (lock.pid === process.pid ? held.has(file) : holds(lock, writtenAtMs))) throw new DataDirLockedError(dir, lock.pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}
