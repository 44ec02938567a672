import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

/**
 * A fresh temporary folder, removed when the test ends. Removal retries: a client still
 * finishing a download at teardown may add a file while the folder is being emptied.
 */
export async function tempDir(t: ExecutionContext, prefix = 'chatserver-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }));
  return dir;
}
