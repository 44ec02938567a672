import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { useGenerator } from '../bench/load.js';
import { buildNative } from '../bench/native.js';
import { startOurs, startTarget } from '../bench/targets.js';
import { fanout, whispers } from '../bench/workloads/steady.js';

// Behaviour only: the native generator delivers and counts what the Node one does; never how fast.
useGenerator('native');

test('the native generator builds with the system C compiler', (t) => {
  const built = buildNative();
  t.true('path' in built, 'why' in built ? built.why : '');
  if ('path' in built) t.true(existsSync(built.path));
});

const delivers = test.macro(async (t, workload: typeof fanout, clients: number) => {
  const target = await startOurs();
  t.teardown(() => target.stop());
  const { metrics } = await workload(target, { clients, rate: 5, seconds: 0.6 });
  t.is(metrics['delivered %'], 100);
  t.is(metrics.errors, 0);
  t.true((metrics['sent/s'] as number) > 0);
  for (const key of ['p50 ms', 'p99 ms', 'server CPU %', 'generator CPU %']) t.is(typeof metrics[key], 'number', key);
});

// Two full rooms: every line must reach the other 14 of its room.
test('native fan-out: every line reaches the other 14 of its room, counted with server and generator CPU', delivers, fanout, 30);
test('native whispers: each reaches its one recipient', delivers, whispers, 20);

const ngircd = spawnSync('/usr/sbin/ngircd', ['--version']).error === undefined;

test('native fan-out speaks IRC too: an ngircd room gets every line', async (t) => {
  t.true(ngircd, 'ngircd is installed (.ci/run installs it)');
  if (!ngircd) return;
  const target = await startTarget('ngircd');
  t.teardown(() => target.stop());
  const { metrics } = await fanout(target, { clients: 30, rate: 2, seconds: 0.6 });
  t.is(metrics['delivered %'], 100);
  t.is(metrics.errors, 0);
});
