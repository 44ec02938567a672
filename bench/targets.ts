import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { irc } from './drivers/irc.js';
import { ours } from './drivers/ours.js';
import type { Address, Protocol } from './drivers/types.js';
import { freePort, start, stop, waitForOutput, waitForPort } from './processes.js';

export type ServerKind = 'ours' | 'ngircd' | 'inspircd';

/** A server under test: where clients connect and which processes to measure. */
export interface Target {
  kind: ServerKind;
  protocol: Protocol;
  addresses: Address[];
  /** Server processes for CPU and RSS; empty for a server the bench did not start. */
  pids: number[];
  /** Connections opened at once while setting a workload up (ngircd's backlog is 10). */
  setupConcurrency: number;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER_CORE = 0;
let serverRoot = ROOT;

/** Benchmarks the (built) chatserver of another checkout, e.g. to compare two branches. */
export function useServerFrom(dir: string): void {
  serverRoot = dir;
}

/** Flags that take every throttle off our server, as the peer configs do for theirs. */
const OURS_FLAGS = ['--quiet', '--no-log-file', '--flood-rate', '0', '--max-connections', '30000', '--max-per-address', '30000'];

/** The throttles that came later too, on a server that has them (another checkout may be older). */
// One state folder per run, so no other checkout's server (another schema) shares it; gone at exit.
const runState = mkdtempSync(join(tmpdir(), 'chatserver-bench-state-'));
process.once('exit', () => rmSync(runState, { recursive: true, force: true }));

function throttleFlags(bin: string): string[] {
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).stdout ?? '';
  const throttles = ['--connect-rate', '--frame-rate', '--byte-rate'].filter((flag) => help.includes(flag)).flatMap((flag) => [flag, '0']);
  // Its state in this run's folder, not in the checkout's: another version's database is not its own.
  return help.includes('--state-dir') ? [...throttles, '--state-dir', runState] : throttles;
}

/** Starts our server on a free loopback port; `extra` flags are appended (e.g. --redis). */
export async function startOurs(extra: string[] = []): Promise<Target> {
  const bin = join(serverRoot, 'bin/chatserver.js');
  const { child, output } = start(process.execPath, [bin, '--host', '127.0.0.1', '--port', '0', ...OURS_FLAGS, ...throttleFlags(bin), ...extra], SERVER_CORE);
  let port: number;
  try {
    port = Number((await waitForOutput(child, output, /listening on port (\d+)/))[1]);
  } catch (error) {
    await stop(child);
    throw new Error(`chatserver ${(error as Error).message}`);
  }
  return {
    kind: 'ours',
    protocol: ours,
    addresses: [{ host: '127.0.0.1', port }],
    pids: [child.pid!],
    setupConcurrency: 500,
    stop: () => stop(child),
  };
}

/** A server of ours that someone else runs (`--targets`): nothing to start, nothing to measure. */
export function external(addresses: Address[]): Target {
  return { kind: 'ours', protocol: ours, addresses, pids: [], setupConcurrency: 500, stop: async () => {} };
}

const PEERS = {
  ngircd: { bin: '/usr/sbin/ngircd', conf: 'ngircd.conf', port: /Ports = 16667/, portLine: (p: number) => `Ports = ${p}` },
  inspircd: { bin: '/usr/sbin/inspircd', conf: 'inspircd.conf', port: /port="16668"/, portLine: (p: number) => `port="${p}"` },
} as const;

export function peerInstalled(kind: 'ngircd' | 'inspircd'): boolean {
  return spawnSync(PEERS[kind].bin, ['--version']).error === undefined;
}

/**
 * Starts ngircd or InspIRCd with the configuration in bench/peers/ copied to a scratch folder
 * (`@DIR@` replaced, and the port moved to a free one so a running copy cannot collide).
 */
async function startPeer(kind: 'ngircd' | 'inspircd'): Promise<Target> {
  const peer = PEERS[kind];
  const dir = mkdtempSync(join(tmpdir(), `bench-${kind}-`));
  const port = await freePort();
  for (const file of ['ngircd.conf', 'inspircd.conf', 'inspircd.motd']) {
    const text = readFileSync(join(ROOT, 'bench/peers', file), 'utf8').replaceAll('@DIR@', dir).replace(peer.port, peer.portLine(port));
    writeFileSync(join(dir, file), text);
  }
  mkdirSync(join(dir, 'empty.d'));
  const args = kind === 'ngircd' ? ['-n', '-f', join(dir, peer.conf)] : [`--config=${join(dir, peer.conf)}`, '--nofork', '--nopid', '--runasroot'];
  const { child, output } = start(peer.bin, args, SERVER_CORE);
  try {
    await waitForPort(port, child, output);
  } catch (error) {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${kind} did not start: ${(error as Error).message}`);
  }
  return {
    kind,
    protocol: irc,
    addresses: [{ host: '127.0.0.1', port }],
    pids: [child.pid!],
    setupConcurrency: kind === 'ngircd' ? 8 : 2000,
    stop: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `extra`: flags for our server that a case needs (TLS); the peers take none. */
export function startTarget(kind: ServerKind, extra: string[] = []): Promise<Target> {
  return kind === 'ours' ? startOurs(extra) : startPeer(kind);
}

/** The same server reached over TLS: clients connect to the same port with a handshake first. */
export function overTls(target: Target): Target {
  return { ...target, addresses: target.addresses.map((a) => ({ ...a, tls: true })) };
}

/** `--tls auto` (in this run's state folder, the certificate made once, reused); plain clients refused, so every figure is encrypted. */
export const TLS_FLAGS = ['--tls', 'auto', '--require-tls'];
