import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers/process.js';
import { tempDir } from './helpers/temp.js';

test('the build removes what it once compiled from a source that is gone, so a deleted plugin is not loaded', async (t) => {
  const project = await tempDir(t);
  await mkdir(join(project, 'plugins'));
  await mkdir(join(project, 'dist', 'plugins', 'deep'), { recursive: true });
  await writeFile(join(project, 'plugins', 'keep.ts'), 'export {};\n');
  const outputs = ['keep.js', 'keep.js.map', 'keep.d.ts', 'roll.js', 'roll.js.map', 'roll.d.ts', 'roll.d.ts.map', 'notes.txt', 'deep/gone.js'];
  for (const file of outputs) await writeFile(join(project, 'dist', 'plugins', file), '');

  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'prune-dist.js')], { cwd: project });
  t.deepEqual((await readdir(join(project, 'dist', 'plugins'), { recursive: true })).sort(), ['deep', 'keep.d.ts', 'keep.js', 'keep.js.map', 'notes.txt']);
});
