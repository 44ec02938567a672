import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * `~` and `~/…` as the shell reads them: the home folder ($HOME). `~user` is left alone, and so is a
 * `~` anywhere but first; the chat line has no shell, so quoting the path does not stop this.
 */
export function expandHome(path: string, home: string = homedir()): string {
  if (path === '~') return home;
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}
