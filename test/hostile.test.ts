import { createHash } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { formatEvent } from '../client/format.js';
import { encodeChunkFrame } from '../core/protocol/frame.js';
import { arena, eventually, HostileClient, json, rawFrame, type Received } from './helpers/hostile.js';

/** Sends `bytes` on a fresh connection (after `prefix`) and returns the first error, checking the connection ends. */
async function refusedAndClosed(t: ExecutionContext, port: number, bytes: Buffer, code: string): Promise<Received> {
  const client = await HostileClient.connect(t, port);
  client.write(bytes);
  const error = await client.waitFor((m) => m.t === 'error', `${code} for ${bytes.subarray(0, 16).toString('hex')}`);
  t.is(error.code, code);
  await client.waitClosed();
  return error;
}

test('bytes that are not frames are refused with a reason and the connection closed', async (t) => {
  const { port, unharmed } = await arena(t);
  const garbage: [Buffer, string][] = [
    [Buffer.from('GET / HTTP/1.1\r\nHost: chat\r\n\r\n'), 'BAD_FRAME_KIND'],
    [Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'), 'BAD_FRAME_KIND'],
    [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), 'BAD_FRAME_KIND'], // a TLS ClientHello
    [Buffer.from([0, 0, 0, 0, 0]), 'BAD_FRAME_KIND'],
    [Buffer.from([3, 0, 0, 0, 1, 0]), 'BAD_FRAME_KIND'],
    [Buffer.from([255, 255, 255, 255, 255]), 'BAD_FRAME_KIND'],
    [Buffer.from([1, 255, 255, 255, 255]), 'FRAME_TOO_LARGE'], // announces 4 GiB, sends nothing more
    [Buffer.from([2, 0, 2, 0, 1]), 'FRAME_TOO_LARGE'],
    [rawFrame(2, Buffer.from([0, 0, 1])), 'BAD_CHUNK'], // a chunk too short for its transfer id
    [Buffer.concat([json({ t: 'hello', v: 1 }), Buffer.from([7, 0, 0, 0, 0])]), 'BAD_FRAME_KIND'],
  ];
  const errors = await Promise.all(garbage.map(([bytes, code]) => refusedAndClosed(t, port, bytes, code)));
  t.regex(String(errors[6]!.message), /4294967295 bytes exceeds the limit of 131072/);
  await unharmed();
});

test('truncated frames: a client that vanishes mid-frame is cleaned up; one that stalls mid-frame is timed out', async (t) => {
  const { server, port, unharmed } = await arena(t, { loginTimeoutMs: 1_500 });
  const hello = json({ t: 'hello', v: 1 });
  for (const cut of [1, 4, 5, 9, hello.length - 1]) {
    const vanishing = await HostileClient.connect(t, port);
    vanishing.write(hello.subarray(0, cut));
    vanishing.destroy();
  }
  const stalled = await HostileClient.connect(t, port);
  stalled.write(hello, rawFrame(1, '{"t":"login","na'), rawFrame(1, '', 4096).subarray(0, 3));
  await stalled.waitClosed('login timeout', 10_000);
  t.like(stalled.received.at(-1), { t: 'bye', reason: 'login timed out' });
  await eventually(() => server.stats().connections === 2, 'only the bystanders left');
  await unharmed();
});

test('malformed JSON and well-formed JSON that is no message get BAD_MESSAGE; the connection stays usable', async (t) => {
  const { port, unharmed } = await arena(t);
  const payloads = [
    '',
    '{',
    '{"t":"hello","v":1',
    'nul',
    '{"t":}',
    '\u0000',
    "{'t':'hello'}",
    'null',
    '[]',
    '42',
    '"hello"',
    '{}',
    '{"t":42}',
    '{"t":"nope"}',
    '{"t":"HELLO","v":1}',
    '{"t":"hello"}',
    '{"t":"hello","v":"1"}',
    '{"t":"hello","v":-1}',
    '{"t":"hello","v":1.5}',
    '{"t":"hello","v":1e400}',
    '{"t":"hello","v":1,"client":' + JSON.stringify('c'.repeat(201)) + '}',
    '{"t":"__proto__"}',
    '{"t":"constructor"}',
    '{"t":"toString"}',
    '{"__proto__":{"t":"ping"}}',
    '{"t":"cmd","id":1}',
    '{"t":"cmd","id":-1,"line":"x"}',
    '{"t":"cmd","id":1.5,"line":"x"}',
    '{"t":"cmd","id":9007199254740992,"line":"x"}',
    '{"t":"cmd","id":1,"line":5}',
    '{"t":"cmd","id":1,"line":"x","files":{}}',
    '{"t":"cmd","id":1,"line":"x","files":[null]}',
    '{"t":"cmd","id":1,"line":"x","files":[{"arg":"f","name":"a.txt","size":-1,"sha256":"00"}]}',
    JSON.stringify({ t: 'cmd', id: 1, line: 'x', files: Array.from({ length: 9 }, () => ({ arg: 'f', name: 'a.txt', size: 1, sha256: '0' })) }),
    '{"t":"query","id":1,"what":"secrets"}',
    '{"t":"login","name":5}',
    '{"t":"login","name":["alice"]}',
    '{"t":"upload-end","transfer":"1"}',
    '{"t":"upload-cancel","transfer":1,"reason":' + JSON.stringify('r'.repeat(501)) + '}',
    '['.repeat(8) + ']'.repeat(8), // nesting up to the limit is parsed (and is no message)
    '{"t":"ping"}{"t":"ping"}',
  ];
  const client = await HostileClient.connect(t, port);
  client.write(...payloads.map((p) => rawFrame(1, p)));
  await client.waitUntil(() => client.errors().length === payloads.length, `${payloads.length} refusals`);
  t.true(client.errors().every((e) => e.code === 'BAD_MESSAGE'));
  // The same connection can still do everything right.
  client.write(json({ t: 'hello', v: 1 }), json({ t: 'login', name: 'carol' }));
  await client.waitFor((m) => m.t === 'login-ok', 'login-ok');
  t.false(client.isClosed);
  t.log(`${payloads.length} malformed payloads`);
  await unharmed();
});

test('messages out of order are refused with the state they need; an unsupported version is told and closed', async (t) => {
  const { port, unharmed } = await arena(t);
  const early = await HostileClient.connect(t, port);
  early.write(json({ t: 'cmd', id: 1, line: '/who' }), json({ t: 'login', name: 'eve' }), json({ t: 'query', id: 2, what: 'users' }));
  await early.waitUntil(() => early.errors().length === 3, 'three refusals');
  t.true(early.errors().every((e) => e.code === 'HANDSHAKE_REQUIRED'));

  early.write(json({ t: 'hello', v: 1 }), json({ t: 'cmd', id: 3, line: '/broadcast hi' }), json({ t: 'query', id: 4, what: 'users' }));
  early.write(encodeChunkFrame(1, Buffer.from('data')), json({ t: 'upload-end', transfer: 1 }), json({ t: 'hello', v: 1 }));
  await early.waitUntil(() => early.errors().length === 8, 'five more refusals');
  t.like(early.errors().slice(3), [
    { code: 'NOT_LOGGED_IN', re: 3 },
    { code: 'NOT_LOGGED_IN', re: 4 },
    { code: 'NOT_LOGGED_IN' },
    { code: 'NOT_LOGGED_IN' },
    { code: 'NOT_LOGGED_IN' },
  ]);
  early.write(json({ t: 'login', name: 'eve' }));
  await early.waitFor((m) => m.t === 'login-ok', 'login-ok');
  early.write(json({ t: 'hello', v: 1 }), json({ t: 'login', name: 'eve2' }), json({ t: 'pong' }), json({ t: 'ping' }));
  await early.waitUntil(() => early.errors().length === 10 && early.received.some((m) => m.t === 'pong'), 'already logged in, twice');
  t.true(early.errors().slice(8).every((e) => e.code === 'ALREADY_LOGGED_IN'));

  const future = await HostileClient.connect(t, port);
  future.write(json({ t: 'hello', v: 2 }));
  t.like(await future.waitFor((m) => m.t === 'error', 'version refusal'), {
    code: 'UNSUPPORTED_VERSION',
    message: 'this server speaks protocol version 1; your client speaks 2',
  });
  await future.waitClosed();
  await unharmed();
});

test('oversized arguments are refused with a clear, short reason and nothing is sent', async (t) => {
  const { port, alice, bob, unharmed } = await arena(t);
  const long = (line: string) => alice.refused(line);
  t.like(await long('x'.repeat(2001)), { code: 'MESSAGE_TOO_LONG', message: 'message is 2,001 characters; the limit is 2,000 (nothing was sent)' });
  t.like(await long(`/whisper bob ${'y'.repeat(5000)}`), { code: 'MESSAGE_TOO_LONG' });
  t.like(await long('😀'.repeat(2001)), { code: 'MESSAGE_TOO_LONG' }); // characters, not UTF-16 units
  const room = await long(`/join ${'r'.repeat(10_000)}`);
  t.is(room.code, 'BAD_ARGUMENTS');
  t.true(room.message.length < 200, 'the reason quotes a clipped name');
  t.like(await long(`/whisper ${'u'.repeat(10_000)} hi`), { code: 'BAD_ARGUMENTS' });
  t.like(await long(`/help ${'w'.repeat(300)}`), { code: 'BAD_ARGUMENTS' });
  const unknown = await long(`/${'c'.repeat(60_000)}`);
  t.is(unknown.code, 'UNKNOWN_COMMAND');
  t.true(unknown.message.length < 100);

  const emoji = '😀'.repeat(2000); // exactly the limit in characters, 4,000 UTF-16 units
  alice.send(emoji);
  await bob.waitFor((e) => e.t === 'message' && e.text === emoji, 'the 2,000-emoji line');
  t.is(bob.of('message').filter((m) => m.from === 'alice').length, 1, 'none of the refused lines reached bob');

  const raw = await HostileClient.connect(t, port);
  raw.write(json({ t: 'hello', v: 1 }), json({ t: 'login', name: 'n'.repeat(1024) }), json({ t: 'login', name: 'n'.repeat(1025) }));
  const refusal = await raw.waitFor((m) => m.t === 'login-refused', 'long name refused');
  t.true(String(refusal.reason).length < 120);
  t.like(await raw.waitFor((m) => m.t === 'error', 'the longest name is no message'), { code: 'BAD_MESSAGE' });
  raw.write(json({ t: 'login', name: 'dave' }));
  await raw.waitFor((m) => m.t === 'login-ok', 'login-ok');
  raw.command('z'.repeat(65_537));
  t.like(await raw.waitFor((m) => m.t === 'error' && m.code === 'BAD_MESSAGE' && raw.received.some((r) => r.t === 'login-ok'), 'a 64 KiB line'), {
    code: 'BAD_MESSAGE',
  });
  await unharmed();
});

test('invalid UTF-8 is replaced, never trusted: not as a name, not as a slash', async (t) => {
  const { port, bob, unharmed } = await arena(t);
  const carol = await HostileClient.login(t, port, 'carol');
  carol.command('/join lobby');
  await bob.waitFor((e) => e.t === 'joined' && e.user === 'carol', 'carol joins');
  const inString = (bytes: number[]) => Buffer.concat([Buffer.from('{"t":"cmd","id":9,"line":"'), Buffer.from(bytes), Buffer.from('"}')]);
  carol.write(rawFrame(1, inString([0x68, 0xff, 0xfe, 0x69, 0xc3]))); // h, two bytes never in UTF-8, i, a cut sequence
  const line = await bob.waitFor((e) => e.t === 'message' && e.from === 'carol', 'the line with invalid UTF-8');
  t.is((line as { text: string }).text, 'h\ufffd\ufffdi\ufffd');
  carol.write(rawFrame(1, inString([0xc0, 0xaf, 0x6a, 0x6f, 0x69, 0x6e, 0x20, 0x78]))); // an overlong "/" then "join x"
  const overlong = await bob.waitFor((e) => e.t === 'message' && e.from === 'carol' && e.text !== 'h\ufffd\ufffdi\ufffd', 'the overlong line');
  t.is((overlong as { text: string }).text, '\ufffd\ufffdjoin x', 'said to the room, not run as /join');
  carol.write(rawFrame(1, Buffer.from([0x7b, 0xff, 0x7d]))); // {<ff>}
  t.like(await carol.waitFor((m) => m.t === 'error', 'invalid UTF-8 outside strings'), { code: 'BAD_MESSAGE' });
  carol.write(json({ t: 'cmd', id: 10, line: 'lone \ud800 surrogate' }));
  await bob.waitFor((e) => e.t === 'message' && e.text === 'lone \ud800 surrogate', 'a lone surrogate, relayed as data');

  const mallory = await HostileClient.connect(t, port);
  mallory.write(json({ t: 'hello', v: 1 }), rawFrame(1, Buffer.concat([Buffer.from('{"t":"login","name":"bo'), Buffer.from([0xe2, 0x80]), Buffer.from('b"}')])));
  t.like(await mallory.waitFor((m) => m.t === 'login-refused', 'refused name'), { reason: "username 'bo\ufffdb' may only contain ASCII letters and digits" });
  await unharmed();
});

test('unknown commands name the command and point at /help', async (t) => {
  const { alice, unharmed } = await arena(t);
  t.like(await alice.refused('/nosuch'), { code: 'UNKNOWN_COMMAND', message: "unknown command '/nosuch'; type /help for the list" });
  t.like(await alice.refused('/'), { code: 'UNKNOWN_COMMAND', message: "unknown command '/'; type /help for the list" });
  t.like(await alice.refused('/\u0000\u001b[2J'), { code: 'UNKNOWN_COMMAND' });
  t.like(await alice.refused('/constructor'), { code: 'UNKNOWN_COMMAND' });
  t.like(await alice.refused('/__proto__ x'), { code: 'UNKNOWN_COMMAND' });
  t.like(await alice.refused('/hasOwnProperty'), { code: 'UNKNOWN_COMMAND' });
  t.like(await alice.refused('/join'), { code: 'BAD_ARGUMENTS', message: 'missing <room>\nusage: /join <room>' });
  t.like(await alice.refused('/join a b'), { code: 'BAD_ARGUMENTS' });
  t.like(await alice.refused('/join "unterminated'), { code: 'BAD_ARGUMENTS' });
  await unharmed();
});

test('escape sequences in chat text reach the other client as data and are stripped before display', async (t) => {
  const { port, alice, bob, unharmed } = await arena(t);
  const nasty = [
    '\u001b[2J\u001b[H', // clear the screen
    '\u001b]0;pwned\u0007', // set the window title
    '\u001b]52;c;ZXZpbA==\u0007', // write the clipboard
    '\u001bP+q\u001b\\', // DCS query
    '\u009b31m', // C1 CSI
    '\r\u001b[1A\u001b[2K', // overwrite the previous line
    '\u202eevil\u202c', // right-to-left override
    '\u0007\u0008\u007f',
  ].join('x');
  alice.send(`hello ${nasty} world`);
  alice.send(`/whisper bob ${nasty}`);
  const message = await bob.waitFor((e) => e.t === 'message' && e.from === 'alice' && e.text.startsWith('hello'), 'the line');
  const whisper = await bob.waitFor((e) => e.t === 'whisper', 'the whisper');
  for (const event of [message, whisper]) {
    const shown = formatEvent(event, 'bob').join('\n');
    // eslint-disable-next-line no-control-regex
    t.notRegex(shown, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  }
  t.regex(formatEvent(message, 'bob')[0]!, /^\[lobby\] alice: hello x+.*evil.* world$/);
  // Names cannot carry them at all.
  const raw = await HostileClient.connect(t, port);
  raw.write(json({ t: 'hello', v: 1 }), json({ t: 'login', name: '\u001b[31mred' }));
  await raw.waitFor((m) => m.t === 'login-refused', 'refused name');
  t.like(await bob.refused('/join \u001b]0;x\u0007'), { code: 'BAD_ARGUMENTS' });
  await unharmed();
});

test('file transfer abuse: bytes for others’ transfers, before the go, beyond the size, or for no transfer', async (t) => {
  const { port, bob, unharmed } = await arena(t, { uploadSlots: 1 });
  const sender = await HostileClient.login(t, port, 'sender');
  const thief = await HostileClient.login(t, port, 'thief');
  const content = Buffer.from('hello file\n');
  const sha256 = createHash('sha256').update(content).digest('hex');
  const offer = (name: string, size = content.length) => ({ files: [{ arg: 'filename', name, size, sha256 }] });
  const id = sender.command('/sendfile notes.txt bob', offer('../../etc/notes.txt'));
  const go = await sender.waitFor((m) => m.t === 'upload-go' && m.re === id, 'upload-go');
  const transfer = go.transfer as number;
  // Another user writes into, ends and cancels the transfer: none of it counts.
  thief.write(encodeChunkFrame(transfer, Buffer.from('EVIL')), json({ t: 'upload-end', transfer }), json({ t: 'upload-cancel', transfer }));
  thief.write(encodeChunkFrame(0xffffffff, Buffer.from('x')), json({ t: 'upload-end', transfer: 123_456 }));
  await thief.waitUntil(() => thief.errors().filter((e) => e.code === 'UNKNOWN_TRANSFER').length === 2, 'unknown transfers');
  // A second upload waits for the only slot; bytes for it before its turn fail it.
  const early = sender.command('/sendfile early.txt bob', offer('early.txt'));
  const queued = await sender.waitFor((m) => m.t === 'upload-queued' && m.re === early, 'upload-queued');
  sender.write(encodeChunkFrame(queued.transfer as number, content));
  t.like(await sender.waitFor((m) => m.t === 'upload-failed' && m.transfer === queued.transfer, 'bytes before the go'), {
    reason: 'file bytes were sent before the upload was started',
  });
  sender.write(encodeChunkFrame(transfer, content), json({ t: 'upload-end', transfer }));
  const done = await sender.waitFor((m) => (m.t === 'upload-done' || m.t === 'upload-failed') && m.transfer === transfer, 'the outcome');
  t.is(done.t, 'upload-done');
  t.like(await bob.waitFor((e) => e.t === 'file-start', 'file-start'), { name: 'notes.txt', size: content.length });

  const more = sender.command('/sendfile a.txt bob', offer('a.txt'));
  const go2 = await sender.waitFor((m) => m.t === 'upload-go' && m.re === more, 'second go');
  sender.write(encodeChunkFrame(go2.transfer as number, Buffer.concat([content, Buffer.from('extra')])));
  t.like(await sender.waitFor((m) => m.t === 'upload-failed' && m.transfer === go2.transfer, 'too many bytes'), {
    reason: `more bytes were sent than the ${content.length} declared`,
  });
  sender.command('/sendfile b.txt bob', offer('b.txt', -5));
  t.like(await sender.waitFor((m) => m.t === 'error' && m.code === 'BAD_MESSAGE', 'a negative size is no message'), { re: undefined });
  await unharmed();
});

test('arbitrary byte streams — frames, garbage and cut frames mixed — never harm the server or the others (fast-check)', async (t) => {
  const { server, unharmed } = await arena(t, { loginTimeoutMs: 1_500 });
  const lines = fc.string({ unit: fc.constantFrom('/', ' ', 'j', 'o', 'i', 'n', 'w', 'h', 'x', '"', '\\', '\u001b', '😀'), maxLength: 30 });
  const piece = fc.oneof(
    fc.constant(json({ t: 'hello', v: 1 })),
    fc.stringMatching(/^[a-z]{1,6}$/).map((name) => Buffer.concat([json({ t: 'hello', v: 1 }), json({ t: 'login', name })])),
    fc.tuple(fc.nat(), fc.constantFrom('', '/join ', '/whisper alice ', '/who ', '/leave', '/sendfile a.txt ', '//'), lines).map(([id, command, line]) =>
      json({ t: 'cmd', id, line: command + line }),
    ),
    fc.jsonValue({ maxDepth: 3 }).map((value) => json(value)),
    fc.uint8Array({ maxLength: 40 }).map((data) => rawFrame(2, Buffer.from(data))),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((data) => Buffer.from(data)),
    fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.nat()).map(([value, cut]) => {
      const frame = json(value);
      return frame.subarray(0, cut % frame.length);
    }),
  );
  const open: HostileClient[] = [];
  await fc.assert(
    fc.asyncProperty(fc.boolean(), fc.array(piece, { minLength: 1, maxLength: 12 }), async (login, pieces) => {
      const client = await HostileClient.connect(t, server.port);
      // Half start as a user, so that what follows reaches the commands too.
      if (login) client.write(json({ t: 'hello', v: 1 }), json({ t: 'login', name: `rnd${open.length}` }));
      client.write(Buffer.concat(pieces));
      // Half vanish mid-stream; the others are left for the server to deal with.
      if (open.length % 2 === 0) client.destroy();
      open.push(client);
      return true;
    }),
    { numRuns: 200 },
  );
  // Whatever did not log in is refused or timed out by the server.
  const loggedIn = (c: HostileClient) => c.received.some((m) => m.t === 'login-ok');
  await eventually(() => open.every((c) => c.isClosed || loggedIn(c)), 'the server to end every connection that did not log in');
  t.false(open.some((c) => c.received.some((m) => m.t === 'undecodable')));
  for (const client of open) client.destroy();
  await eventually(() => server.stats().connections === 2 && server.stats().users === 2 && server.stats().uploadsActive === 0, 'only the bystanders left');
  t.log(`${open.length} random streams, ${open.filter(loggedIn).length} of which logged in`);
  await unharmed();
});
