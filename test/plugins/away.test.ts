import test from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

test('/away answers whispers for you until /away again, or until you log out', async (t) => {
  const server = await startTestServer({ plugins: ['whisper', 'away'] });
  t.teardown(() => server.stop());
  const [alice, bob, carol] = await server.login('alice', 'bob', 'carol');
  t.deepEqual(await bob.run('/away at lunch'), ['you are away: whispers to you are answered with "at lunch"; /away again to come back']);
  t.deepEqual(await alice.run('/w bob hi'), ['[whisper to bob] hi', '[auto-reply from bob] at lunch']);
  t.deepEqual(bob.take().slice(-2), ['[whisper from alice] hi', '[auto-reply to alice] at lunch'], 'bob sees his answer marked too');
  await carol.run('/away'); // two away users cannot answer each other forever
  t.deepEqual(await carol.run('/w bob ping'), ['[whisper to bob] ping', '[auto-reply from bob] at lunch']);
  t.deepEqual(await bob.run('/away'), ['you are back']);
  t.deepEqual(await alice.run('/w bob again'), ['[whisper to bob] again']);
  await carol.logout();
  const [carol2] = await server.login('carol');
  t.deepEqual(await alice.run('/w carol back?'), ['[whisper to carol] back?'], 'logging out clears away');
  t.deepEqual(carol2!.take(), ['[whisper from alice] back?']);
});
