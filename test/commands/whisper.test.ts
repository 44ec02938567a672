import test from 'ava';
import { TestClient } from '../helpers/client.js';
import { startServer } from '../helpers/server.js';

async function users(t: Parameters<typeof TestClient.login>[0]) {
  const { port } = await startServer(t);
  const [alice, bob, carol] = await Promise.all(['alice', 'Bob', 'carol'].map((n) => TestClient.login(t, port, n)));
  await bob!.join('lobby');
  await carol!.join('lobby');
  return { alice: alice!, bob: bob!, carol: carol! };
}

test('a whisper reaches its target wherever they are, with a copy to the sender and nothing to anyone else', async (t) => {
  const { alice, bob, carol } = await users(t);
  alice.send('/whisper bob psst, only you');
  const expected = { t: 'whisper', from: 'alice', to: 'Bob', text: 'psst, only you' };
  t.like(await bob.waitFor((e) => e.t === 'whisper'), expected);
  t.like(await alice.waitFor((e) => e.t === 'whisper'), expected);
  await carol.barrier();
  t.deepEqual(carol.of('whisper'), []);
  t.deepEqual([...carol.of('message'), ...bob.of('message')], []);
});

test('/w and /msg are aliases, and the target may be typed in any case', async (t) => {
  const { alice, bob } = await users(t);
  alice.send('/w BOB one');
  alice.send('/msg bOb two');
  await bob.waitFor((e) => e.t === 'whisper' && e.text === 'two');
  t.deepEqual(
    bob.of('whisper').map(({ from, to, text }) => ({ from, to, text })),
    ['one', 'two'].map((text) => ({ from: 'alice', to: 'Bob', text })),
  );
});

test('a whisper to someone who is not online is refused', async (t) => {
  const { alice } = await users(t);
  t.like(await alice.refused('/whisper ghost are you there'), { code: 'NO_SUCH_USER', message: "no user named 'ghost' is online" });
});

test('a whisper to yourself is refused', async (t) => {
  const { alice } = await users(t);
  t.like(await alice.refused('/whisper Alice hi me'), { code: 'WHISPER_SELF', message: 'you cannot whisper to yourself' });
  t.deepEqual(alice.of('whisper'), []);
});

test('a whisper with a missing message, a bad name or too much text is refused', async (t) => {
  const { alice, bob } = await users(t);
  const usage = 'usage: /whisper <username> <message...>';
  t.like(await alice.refused('/whisper'), { code: 'BAD_ARGUMENTS', message: `missing <username>\n${usage}` });
  t.like(await alice.refused('/whisper bob'), { code: 'BAD_ARGUMENTS', message: `missing <message>\n${usage}` });
  t.like(await alice.refused('/whisper bo!b hi'), {
    code: 'BAD_ARGUMENTS',
    message: `username 'bo!b' may only contain ASCII letters and digits\n${usage}`,
  });
  t.like(await alice.refused(`/whisper bob ${'x'.repeat(2001)}`), { code: 'MESSAGE_TOO_LONG' });
  await bob.barrier();
  t.deepEqual(bob.of('whisper'), []);
});
