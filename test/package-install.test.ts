import test from 'ava';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers/process.js';
import { startServer } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

const run = promisify(execFile);

// Packs the built checkout (npm test has built it; --ignore-scripts so dist/ is not rebuilt under
// the other tests' feet), installs the tarball into a prefix of its own as a user would on
// another machine, and runs what it put on the PATH.
test('npm pack gives a package that installs with only Node and runs both executables', async (t) => {
  t.timeout(300_000);
  const dir = await tempDir(t);
  const { stdout: packed } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [{ filename, files }] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
  const paths = files.map((f) => f.path);
  t.true(paths.includes('dist/core/server/main.js') && paths.includes('dist/client/main.js') && paths.includes('dist/plugins/join.js'));
  t.deepEqual(paths.filter((p) => /^(dist\/(test|bench)|test|bench|core|client|plugins)\//.test(p)), [], 'no sources, tests or bench inside');
  const prefix = join(dir, 'prefix');
  await run('npm', ['install', '-g', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', prefix, join(dir, filename)], { cwd: dir, maxBuffer: 16 << 20 });
  const bin = (name: string) => join(prefix, 'bin', name);
  for (const name of ['chatserver', 'chatclient']) t.is((await run(bin(name), ['--version'], { cwd: dir })).stdout.trim(), JSON.parse((await run('npm', ['pkg', 'get', 'version'], { cwd: ROOT })).stdout));
  const server = await startServer(t);
  const client = run(bin('chatclient'), ['127.0.0.1', String(server.port)], { cwd: dir });
  client.child.stdin!.end('alice\n/join lobby\n/exit\n');
  const { stdout } = await client;
  t.regex(stdout, /^\* logged in as alice\n\* you joined lobby\n/);
});
