import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/nick renames you on the login rules; the room sees you leave and come back under the new name', async (t) => {
  const server = await startTestServer({ plugins: ['join', 'nick', 'whisper'] });
  t.teardown(() => server.stop());
  const [alice, bob] = await server.login('alice', 'bob');
  await alice!.run('/join lab');
  await bob!.run('/join lab');
  bob!.take();
  t.deepEqual(await alice!.run('/nick alicia'), ['* you are now known as alicia', '* alice left lab (renamed to alicia)', '* you joined lab']);
  t.deepEqual(bob!.take(), ['* alice left lab (renamed to alicia)', '* alicia joined lab'], 'no operator rights changed hands');
  t.deepEqual((await server.parts.rooms.details('lab'))?.operators, ['alicia']);
  t.is(alice!.name, 'alicia');
  t.deepEqual(await bob!.run('/w alicia hi'), ['[whisper to alicia] hi']);
  t.deepEqual(await bob!.run('/w alice hi'), ["! no user named 'alice' is online"]);
  t.deepEqual(await bob!.run('/nick Alicia'), ["! username 'alicia' is already taken"]);
  t.deepEqual(await bob!.run('/nick BOB'), ['! you are bob already (names are the same whatever their case)']);
  const [bad] = await bob!.run('/nick no spaces');
  t.regex(bad!, /too many arguments/);
});

test('/nick to a registered name needs its password; the account and its role come with it', async (t) => {
  const server = await startTestServer({ plugins: ['nick', 'announce'] });
  t.teardown(() => server.stop());
  await server.parts.accounts.add('teacher', 'teacher-pass', { role: 'admin' });
  const [guest] = await server.login('guest');
  t.deepEqual(await guest!.run('/nick teacher'), ["! 'teacher' is registered: give its password to take it"]);
  t.deepEqual(await guest!.run('/nick teacher', { password: 'nope-nope' }), ["! that is not the password of 'teacher'"]);
  t.deepEqual(await guest!.run('/nick teacher', { password: 'teacher-pass' }), ['* you are now known as teacher']);
  t.deepEqual(await server.parts.identities.of('teacher'), { registered: true, role: 'admin' });
  t.deepEqual(await guest!.run('/announce hello class'), ['[announce] teacher: hello class']);
  t.deepEqual(await guest!.run('/nick someone'), ['* you are now known as someone']);
  t.deepEqual(await server.parts.identities.of('someone'), { registered: false, role: undefined });
});
