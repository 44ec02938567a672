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

test("an account's ignore list comes back at its next login; a guest's ends with the session", async (t) => {
  const server = await startTestServer({ plugins: ['whisper', 'ignore'] });
  t.teardown(() => server.stop());
  const [ann, guest, pest] = await server.login({ name: 'ann', registered: true }, 'guest', 'pest');
  await ann!.run('/ignore pest');
  await guest!.run('/ignore pest');
  await ann!.logout();
  await guest!.logout();
  const [ann2, guest2] = await server.login({ name: 'ann', registered: true }, 'guest');
  t.deepEqual(await ann2!.run('/ignore'), ['you ignore: pest']);
  t.deepEqual(await guest2!.run('/ignore'), ['you ignore no one']);
  await pest!.run('/w ann hello?');
  t.deepEqual(ann2!.take().filter((l) => l.includes('hello?')), []);
  await ann2!.run('/unignore pest');
  await ann2!.logout();
  const [ann3] = await server.login({ name: 'ann', registered: true });
  t.deepEqual(await ann3!.run('/ignore'), ['you ignore no one']);
});
