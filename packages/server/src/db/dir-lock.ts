import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(`The data folder ${dir} is in use by another Casework process (pid ${pid}). ` +
      'Stop that process first, or set CASEWORK_DATA_DIR to another folder, or use DATABASE_URL for PostgreSQL.');
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

// Lock files this process holds: our own pid in a lock file we do not hold is a stale lock from
// an earlier process that had the same pid (usual after a container restart), not a live owner.
const held = new Set<string>();

/**
 * Takes the data folder for this process alone (lock file with our pid). A lock left by a
 * process that no longer runs is taken over. Returns the release function.
 */
export function acquireDirLock(dir: string): () => void {
  const file = path.join(dir, 'casework.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      held.add(file);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(file);
        process.off('exit', release);
        try { fs.unlinkSync(file); } catch { /* already gone */ }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid === process.pid ? held.has(file) : Number.isInteger(pid) && pid > 0 && alive(pid)) throw new DataDirLockedError(dir, pid);
      fs.unlinkSync(file);
    }
  }
  throw new Error(`Could not lock ${dir}`);
}
