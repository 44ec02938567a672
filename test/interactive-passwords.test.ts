import test, { type ExecutionContext } from 'ava';
import type { ServerConfig } from '../core/config.js';
import { SqliteAccounts } from '../core/services/accounts/accounts.js';
import { TestClient } from './helpers/client.js';
import { startServer } from './helpers/server.js';
import { Terminal } from './helpers/terminal.js';
import { tempDir } from './helpers/temp.js';

async function accountServer(t: ExecutionContext, name: string, password: string, mustChange = false, config: Partial<ServerConfig> = {}) {
  const stateDir = await tempDir(t);
  const accounts = new SqliteAccounts(stateDir);
  await accounts.add(name, password, { mustChange });
  accounts.close();
  return startServer(t, { stateDir, ...config });
}

/** Types a line and presses Enter. */
async function enter(term: Terminal, text: string): Promise<void> {
  await term.type(text);
  await term.press('Enter');
}

/** The last row with anything on it: the prompt. */
const promptRow = (rows: string[]) => rows.filter((r) => r.length > 0).at(-1);

test('a registered name: its password is asked for hidden, again after a wrong one, and never shown or recalled', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const term = await Terminal.run(t, ['127.0.0.1', String(port)]);
  await term.waitFor(/^username:$/m);
  await enter(term, 'alice');
  await term.waitFor("* 'alice' is registered; give its password");
  await term.waitFor(/^password for alice:$/m);
  await term.type('wrong one');
  await term.waitFor((rows) => promptRow(rows) === 'password for alice: *********');
  await term.press('Enter');
  await term.waitFor('! wrong password (4 tries left)');
  await term.waitFor(/^password for alice:$/m);
  await enter(term, 'correct horse');
  await term.waitFor('* logged in as alice (registered); /join a room to start talking');
  await term.press('Up');
  const rows = await term.waitFor((r) => promptRow(r) === 'alice>');
  t.is(promptRow(rows), 'alice>', 'nothing to recall: neither the name nor a password went into history');
  const everything = (await term.screen({ joined: true })).join('\n');
  t.notRegex(everything, /wrong one|correct horse/);
});

test('a server password, then a one-time password replaced by a new one typed twice; the server password is asked for once per run', async (t) => {
  const { port } = await accountServer(t, 'dave', 'from the roster', true, { serverPassword: 'open sesame' });
  const bob = await TestClient.connect(t, port);
  t.like(await bob.connection.login('bob', { serverPassword: 'open sesame' }), { ok: true });
  const term = await Terminal.run(t, ['127.0.0.1', String(port)]);
  await term.waitFor(/^username:$/m);
  await enter(term, 'bob');
  await term.waitFor('* this server has a password; give it');
  await term.waitFor(/^server password:$/m);
  await enter(term, 'open sesame');
  await term.waitFor("! username 'bob' is already taken");
  // Another name: the server's password goes with it, unasked.
  await term.waitFor(/^username:$/m);
  await enter(term, 'dave');
  await term.waitFor("* 'dave' is registered; give its password");
  await term.waitFor(/^password for dave:$/m);
  await enter(term, 'from the roster');
  await term.waitFor('* your password was a one-time password: choose a new one');
  await term.waitFor('* type it twice; Escape gives up');
  await term.waitFor(/^new password:$/m);
  await enter(term, 'short');
  await term.waitFor('! a password needs at least 8 characters; try another');
  await enter(term, 'mine at last');
  await term.waitFor(/^new password again:$/m);
  await enter(term, 'mine at lost');
  await term.waitFor('! the two did not match; once more');
  await term.waitFor(/^new password:$/m);
  await enter(term, 'mine at last');
  await term.waitFor(/^new password again:$/m);
  await enter(term, 'mine at last');
  await term.waitFor('* logged in as dave (registered); /join a room to start talking');
  const everything = (await term.screen({ joined: true })).join('\n');
  t.is(everything.split('this server has a password').length - 1, 1, everything);
  t.notRegex(everything, /open sesame|from the roster|mine at l/);
  await term.press('C-d');
  t.is((await term.exited()).code, 0);
  const later = await TestClient.connect(t, port);
  t.deepEqual(await later.connection.login('dave', { serverPassword: 'open sesame', password: 'mine at last' }), { ok: true, name: 'dave', registered: true });
});

test("a command's secret arguments are asked for hidden (twice to confirm), Escape cancels, and history holds only the line", async (t) => {
  const { port } = await startServer(t);
  const term = await Terminal.run(t, ['127.0.0.1', String(port), '--user', 'erin']);
  await term.waitFor(/^erin>$/m);
  await enter(term, '/register');
  await term.waitFor(/^the password, asked for twice:$/m);
  await term.type('first secret');
  await term.waitFor((rows) => promptRow(rows) === 'the password, asked for twice: ************');
  await term.press('Enter');
  await term.waitFor(/^password again:$/m);
  await enter(term, 'first secreT');
  await term.waitFor('! the two did not match; once more');
  await term.waitFor(/^the password, asked for twice:$/m);
  // Pasted twice in one go: the second copy is the confirmation, not a line for the room.
  await term.type('first secret\rfirst secret\r');
  await term.waitFor("'erin' is registered: next time, log in with your password");

  await enter(term, '/password');
  await term.waitFor(/^your current password:$/m);
  await term.type('half typed');
  await term.press('Escape');
  await term.waitFor('* /password cancelled; nothing sent');
  await term.waitFor((rows) => promptRow(rows) === 'erin>');
  // Pasted with the command: each secret waits for its prompt.
  await term.type('/password\rfirst secret\rsecond secret\rsecond secret\r');
  await term.waitFor('your password is changed');
  // History: the two command lines (the repeated one once), nothing typed at a secret's prompt.
  await term.press('Up');
  await term.waitFor((rows) => promptRow(rows) === 'erin> /password');
  await term.press('Up');
  await term.waitFor((rows) => promptRow(rows) === 'erin> /register');
  await term.press('Up');
  await term.waitFor((rows) => promptRow(rows) === 'erin> /register', { ms: 1000 });
  const everything = (await term.screen({ joined: true })).join('\n');
  t.notRegex(everything, /first secre|second secret|half typed/);
  await term.press('C-u', 'C-d');
  t.is((await term.exited()).code, 0);
  const later = await TestClient.connect(t, port);
  t.deepEqual(await later.connection.login('erin', 'second secret'), { ok: true, name: 'erin', registered: true });
});

test('Ctrl+C at a password prompt leaves at once and gives the terminal back as it was', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const term = await Terminal.run(t, ['127.0.0.1', String(port), '--user', 'alice']);
  await term.waitFor(/^password for alice:$/m);
  await term.type('correct ho');
  await term.waitFor((rows) => promptRow(rows) === 'password for alice: **********');
  await term.press('C-c');
  t.deepEqual(await term.exited(), { code: 0, restored: true });
  t.notRegex((await term.screen({ joined: true })).join('\n'), /correct/);
});

test('a name and its password typed ahead in one go: the password waits for its prompt and goes in hidden', async (t) => {
  const { port } = await accountServer(t, 'alice', 'correct horse');
  const term = await Terminal.run(t, ['127.0.0.1', String(port)]);
  await term.waitFor(/^username:$/m);
  await term.type('alice\rcorrect horse\r/whois alice\r');
  await term.waitFor('* logged in as alice (registered); /join a room to start talking');
  await term.waitFor('> /whois alice');
  await term.waitFor('alice: registered; in no room');
  t.notRegex((await term.screen({ joined: true })).join('\n'), /correct horse/);
});

test('/nick to a guest name asks for nothing; to a registered one the server asks, and the client prompts hidden and sends it again', async (t) => {
  const { port } = await accountServer(t, 'teacher', 'teacher-pass');
  const term = await Terminal.run(t, ['127.0.0.1', String(port), '--user', 'gina']);
  await term.waitFor(/^gina>$/m);
  await enter(term, '/nick zed');
  await term.waitFor('* you are now known as zed');
  await term.waitFor(/^zed>$/m);
  await enter(term, '/nick teacher');
  await term.waitFor("! 'teacher' is registered: give its password to take it");
  await term.waitFor(/^the name's password, if it is registered \(Enter if none\):$/m);
  await enter(term, 'teacher-pass');
  await term.waitFor('* you are now known as teacher');
  await term.waitFor(/^teacher>$/m);
  const other = await TestClient.login(t, port, 'hal');
  t.deepEqual(await other.connection.query('users').then((users) => users.sort()), ['hal', 'teacher']);
  t.notRegex((await term.screen({ joined: true })).join('\n'), /teacher-pass/);
});
