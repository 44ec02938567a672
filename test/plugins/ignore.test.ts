import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/ignore stops a user\'s room lines and whispers reaching you, and only you, until /unignore or you leave', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'broadcast', 'whisper', 'ignore'] });
  t.teardown(() => server.stop());
  const [alice, troll, carol] = await server.login('alice', 'troll', 'carol');
  for (const u of [alice!, troll!, carol!]) await u.run('/join lobby');
  t.deepEqual(await alice.run('/ignore Troll'), ['you now ignore Troll: their lines, whispers and files will not reach you']);
  t.deepEqual(await alice.run('/ignore'), ['you ignore: troll']);
  alice.take();
  carol.take();
  t.deepEqual(await troll.run('hello all'), ['[lobby] troll: hello all']);
  t.deepEqual(await troll.run('/w alice psst'), ['[whisper to alice] psst'], 'the sender cannot tell');
  t.deepEqual(alice.take(), []);
  t.deepEqual(carol.take(), ['[lobby] troll: hello all']);
  t.deepEqual(await alice.run('/unignore troll'), ['you hear troll again']);
  alice.take();
  await troll.run('again');
  t.deepEqual(alice.take(), ['[lobby] troll: again']);
  t.deepEqual(await alice.run('/ignore alice'), ['! you cannot ignore yourself']);
});
