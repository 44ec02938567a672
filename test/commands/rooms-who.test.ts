import test from 'ava';
import { TestClient } from '../helpers/client.js';
import { startServer } from '../helpers/server.js';

async function scene(t: Parameters<typeof TestClient.login>[0]) {
  const { port } = await startServer(t);
  const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'Carol', 'dave'].map((n) => TestClient.login(t, port, n)));
  return { alice: alice!, bob: bob!, carol: carol!, dave: dave! };
}

test('/rooms lists the rooms by name with their member counts; /list is its alias', async (t) => {
  const { alice, bob, carol, dave } = await scene(t);
  t.like(await alice.request('/rooms'), { t: 'reply', text: 'no rooms yet; /join <room> creates one' });
  await alice.join('zoo');
  await bob.join('Attic');
  await carol.join('zoo');
  t.like(await dave.request('/rooms'), { t: 'reply', text: 'rooms (2):\n  Attic (1)\n  zoo (2)' });
  t.like(await dave.request('/list'), { t: 'reply', text: 'rooms (2):\n  Attic (1)\n  zoo (2)' });
  t.like(await dave.refused('/rooms all'), { code: 'BAD_ARGUMENTS' });
});

test('/who shows my room and who is online; /who <room> shows another room', async (t) => {
  const { alice, bob, carol, dave } = await scene(t);
  const online = 'online (4): alice, bob, Carol, dave';
  t.like(await dave.request('/who'), { t: 'reply', text: online });
  await bob.join('lobby');
  await alice.join('lobby');
  await carol.join('attic');
  t.like(await alice.request('/who'), { t: 'reply', text: `in lobby (2): alice, bob\n${online}` });
  t.like(await alice.request('/who ATTIC'), { t: 'reply', text: `in attic (1): Carol\n${online}` });
  t.like(await dave.request('/who lobby'), { t: 'reply', text: `in lobby (2): alice, bob\n${online}` });
});

test('/who for a room that does not exist or cannot exist is refused', async (t) => {
  const { alice } = await scene(t);
  t.like(await alice.refused('/who nowhere'), { code: 'NO_SUCH_ROOM', message: "there is no room named 'nowhere'" });
  t.like(await alice.refused('/who no!where'), {
    code: 'BAD_ARGUMENTS',
    message: "room name 'no!where' may only contain ASCII letters and digits\nusage: /who [room]",
  });
});

test('/who and /rooms list names in natural order: cap2 before cap10, case ignored', async (t) => {
  const { port } = await startServer(t);
  const names = ['cap10', 'Cap2', 'cap1', 'cap11', 'cap9'];
  const users = await Promise.all(names.map((n) => TestClient.login(t, port, n)));
  for (const [i, user] of users.entries()) await user.join(`r${names.length * 4 - i * 4}`);
  t.like(await users[0]!.request('/who'), { t: 'reply', text: 'in r20 (1): cap10\nonline (5): cap1, Cap2, cap9, cap10, cap11' });
  t.like(await users[0]!.request('/rooms'), { t: 'reply', text: 'rooms (5):\n  r4 (1)\n  r8 (1)\n  r12 (1)\n  r16 (1)\n  r20 (1)' });
});
