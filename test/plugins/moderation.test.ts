import test, { type ExecutionContext } from 'ava';
import { startTestServer } from '../../core/testing/kit.js';

async function room(t: ExecutionContext, plugins: string[]) {
  const server = await startTestServer({ plugins: ['join', 'leave', 'broadcast', ...plugins] });
  t.teardown(() => server.stop());
  const [teacher, bob, carol] = await server.login('teacher', 'bob', 'carol');
  for (const user of [teacher!, bob!]) await user.run('/join class');
  return { server, teacher: teacher!, bob: bob!, carol: carol! };
}

test('/ban sends a member out and keeps them out, even once the room is gone, until /unban', async (t) => {
  const { teacher, bob } = await room(t, ['ban']);
  t.deepEqual(await bob.run('/ban teacher'), ['! only an operator of class can use /ban']);
  await teacher.run('/ban bob spamming');
  t.deepEqual(bob.take().slice(-2), ['* you left class (banned)', '[ban] bob was banned from class by teacher: spamming']);
  t.deepEqual(await bob.run('/join class'), ['! you are banned from class: spamming']);
  await teacher.run('/leave');
  t.deepEqual(await bob.run('/join class'), ['! you are banned from class: spamming'], 'not even by making the room again');
  await teacher.run('/join class');
  t.deepEqual(await teacher.run('/unban bob'), ['[ban] bob may join class again (unbanned by teacher)']);
  t.deepEqual((await bob.run('/join class')).at(0), '* you joined class');
});

test('a ban for a while says how long is left', async (t) => {
  const { teacher, bob } = await room(t, ['ban']);
  await teacher.run('/ban bob 10m');
  t.deepEqual(await bob.run('/join class'), ['! you are banned from class for another 10 min']);
});

test('/mute refuses a member\'s lines with the time left, until it runs out or /unmute', async (t) => {
  const { teacher, bob } = await room(t, ['mute']);
  t.deepEqual(await teacher.run('/mute bob 2m'), ['[mute] bob was muted in class by teacher for 2 min']);
  t.deepEqual(await bob.run('hello?'), ['! you are muted in class for another 2 min']);
  t.deepEqual(await bob.run('/mute bob'), ['! only an operator of class can use /mute']);
  await teacher.run('/unmute bob');
  t.deepEqual(await bob.run('back'), ['[class] bob: back']);
});

test('/slow lets each member speak once per interval; operators are not slowed', async (t) => {
  const { teacher, bob } = await room(t, ['slow']);
  await teacher.run('/slow 30');
  t.deepEqual(await bob.run('one'), ['[class] bob: one']);
  t.deepEqual(await bob.run('two'), ['! class is in slow mode: you may speak again in 30 s']);
  t.deepEqual(await teacher.run('fine'), ['[class] teacher: fine']);
  t.deepEqual(await teacher.run('and again'), ['[class] teacher: and again']);
  await teacher.run('/slow 0');
  t.deepEqual(await bob.run('three'), ['[class] bob: three']);
});

test('/lock makes a room invite-only; /invite lets one user in and tells them', async (t) => {
  const { teacher, carol } = await room(t, ['lock']);
  await teacher.run('/lock');
  t.deepEqual(await carol.run('/join class'), ['! class is invite-only; ask one of its operators for an /invite']);
  t.deepEqual(await teacher.run('/invite carol'), ['carol may join class']);
  t.deepEqual(carol.take().at(-1), '[lock] teacher invites you to class: /join class');
  t.deepEqual((await carol.run('/join class')).at(0), '* you joined class');
});

test('/deop takes operator rights away; the last one passes them on', async (t) => {
  const { teacher, bob } = await room(t, ['op']);
  await teacher.run('/op bob');
  t.deepEqual(await bob.run('/deop teacher'), ['* teacher is no longer an operator of class']);
  t.deepEqual(await teacher.run('/op teacher'), ['! only an operator of class can use /op']);
  t.deepEqual(await bob.run('/deop bob'), ['* bob is no longer an operator of class', '* teacher is now an operator of class']);
});
