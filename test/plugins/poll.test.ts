import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer } from '../../core/testing/kit.js';
import { tempDir } from '../helpers/temp.js';

test('/poll asks the room and /vote counts one vote per user, in one service shared by both commands', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'poll'] });
  t.teardown(() => server.stop());
  const [alice, bob] = await server.login('alice', 'bob');
  await alice.run('/join lobby');
  await bob.run('/join lobby');
  t.deepEqual(await bob.run('/vote 1'), ['! there is no poll in lobby; /poll starts one']);
  t.deepEqual(await alice.run('/poll "lunch where?" pizza sushi'), ['[poll] alice asks: lunch where? 1) pizza 2) sushi (/vote <number>)', 'poll opened in lobby']);
  t.deepEqual(await bob.run('/vote 2'), ['you voted for sushi; lunch where?: 1) pizza 0, 2) sushi 1']);
  t.deepEqual(await bob.run('/vote 1'), ['you voted for pizza; lunch where?: 1) pizza 1, 2) sushi 0']);
  t.deepEqual(await bob.run('/vote 3'), ['! choose 1 to 2']);
  t.deepEqual(await alice.run('/poll'), ['lunch where?: 1) pizza 1, 2) sushi 0']);
  t.deepEqual(await alice.run('/poll one-option pizza'), ['! a poll has 2 to 10 options, not 1', '  usage: /poll [<question> <option> <option>...]']);
});

test('two servers in one process have a poll service each', async (t) => {
  const servers = await Promise.all([startTestServer({ plugins: ['join', 'poll'] }), startTestServer({ plugins: ['join', 'poll'] })]);
  t.teardown(() => Promise.all(servers.map((s) => s.stop())));
  const [[a], [b]] = await Promise.all(servers.map((s) => s.login('alice')));
  await a!.run('/join lobby');
  await b!.run('/join lobby');
  await a!.run('/poll q yes no');
  t.deepEqual(await b!.run('/vote 1'), ['! there is no poll in lobby; /poll starts one']);
});

test('[plugins.poll] maxOptions in the --config file bounds the choices', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'chat.toml'), '[plugins.poll]\nmaxOptions = 3\n');
  const server = await startTestServer({ plugins: ['join', 'poll'], config: { configFile: join(dir, 'chat.toml') } });
  t.teardown(() => server.stop());
  const [alice] = await server.login('alice');
  await alice.run('/join lobby');
  t.deepEqual(await alice.run('/poll q a b c d'), ['! a poll has 2 to 3 options, not 4', '  usage: /poll [<question> <option> <option>...]']);
  t.is((await alice.run('/poll q a b c')).at(-1), 'poll opened in lobby');
});
