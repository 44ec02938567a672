import { performance } from 'node:perf_hooks';
import type { ActionLog, Delivery, Uploads } from '../../tokens.js';
import type { LocalSessions } from '../local-sessions.js';
import type { LocalMembers } from './local-members.js';
import type { RedisNetwork } from './network.js';
import { newToken, type Fence } from './fence.js';
import type { RedisUserDirectory } from './redis-users.js';
import { PREFIX } from './scripts.js';

// A node renews its lease and looks for dead nodes this many times per lease: detection takes at most 1.2 leases.
const TICKS_PER_LEASE = 5;
// After Redis restarted empty, logins wait at most this many leases for the nodes to re-register.
const RECOVERY_LEASES = 2;
// Users re-registered per round trip: a node with 20,000 users needs 100, not 20,000.
const REGISTER_BATCH = 200;

export interface LeaseDeps {
  net: RedisNetwork;
  users: RedisUserDirectory;
  local: LocalMembers;
  /** Takes a user out of their room on this node only. */
  leaveLocally: (user: string) => void;
  sessions: LocalSessions;
  delivery: Delivery;
  uploads: () => Uploads;
  /** The highest file transfer id this node has used. */
  transferIds: () => number;
  log: ActionLog;
  capacity: number;
  /** A node that has not renewed its lease for this long is dead; its users are removed. */
  leaseMs: number;
  fence: Fence;
  /** Users whose join or leave is in flight. */
  moving: () => ReadonlySet<string>;
}

/**
 * This node's membership of the network. It renews a lease (a key with a TTL) every second;
 * every node also reaps the nodes whose lease has expired (a SIGKILLed process, a machine
 * gone), removing their users and telling their rooms. When Redis comes back after an outage,
 * or the node finds its own lease had expired, it re-registers its users and their rooms.
 *
 * When Redis restarted empty, no name can be claimed until every node that was alive has
 * re-registered its users, or two leases have passed (see `lease` in scripts.ts).
 *
 * A node whose lease lapsed (it was frozen, or cut off) is fenced (fence.ts) until it has
 * re-registered: it may have been reaped, and its users' names given to others meanwhile.
 *
 * Conflict rule: a name belongs to whoever holds it in Redis when this node re-registers.
 * A local user whose name was claimed on another node meanwhile is told and disconnected;
 * one whose room filled up meanwhile is told and is in no room.
 */
export class NodeLease {
  private timer: NodeJS.Timeout | undefined;
  private resyncing: Promise<void> | undefined;
  private stale = false;
  private failuresSeen = 0;
  /** Whether this node has held a lease before: if so, a Redis without the network marker lost the state. */
  private joined = false;
  /**
   * When each node was last seen alive: a recovery waits for those seen within its own length.
   * Not only the last renewal's answer, which misses a node that has not renewed yet since the
   * previous recovery.
   */
  private readonly seen = new Map<string, number>();

  constructor(private readonly deps: LeaseDeps) {}

  async start(): Promise<void> {
    await this.renew();
    this.deps.fence.reopen(this.deps.fence.generation); // no users yet: nothing to register
    this.deps.net.onReady(() => void this.resync());
    this.joined = true;
    this.timer = setInterval(() => void this.tick(), this.deps.leaseMs / TICKS_PER_LEASE);
    this.timer.unref();
  }

  /** A clean shutdown: give back the lease and every name and membership at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.deps.net.script('leaveNetwork', [this.deps.net.node]).catch(() => {
      // Redis is away: the lease runs out and another node reaps what is left.
    });
  }

  private async tick(): Promise<void> {
    const { net, log } = this.deps;
    if (!net.ready) {
      this.stale = true;
      return;
    }
    try {
      const had = await this.renew();
      // A command whose answer was lost (a timeout) may have changed Redis without this node
      // knowing, e.g. claimed a name for a login that was refused: re-registering puts it right.
      if (had === 0 || this.stale || !this.deps.fence.open || net.failures !== this.failuresSeen) {
        this.failuresSeen = net.failures;
        await this.resync();
      }
      const reaped = await net.script<string[]>('reap', [net.node]);
      for (let i = 0; i + 2 < reaped.length; i += 3) {
        log.action('node-lost', { node: reaped[i], user: reaped[i + 1], room: reaped[i + 2] || undefined });
        await this.gone(reaped[i + 1]!, reaped[i + 2]!);
      }
    } catch (error) {
      if (net.ready) log.error('network upkeep failed', error);
    }
  }

  /** Renews the lease; resolves with 1 if it was still there, 0 if it had lapsed (the fence is then shut). */
  private async renew(): Promise<number> {
    const { net, leaseMs, log, fence } = this.deps;
    const sentAt = performance.now();
    const next = newToken();
    const recoveryMs = RECOVERY_LEASES * leaseMs;
    for (const [node, at] of this.seen) if (sentAt - at > recoveryMs) this.seen.delete(node);
    const args = [net.node, leaseMs, this.deps.transferIds(), fence.token, next, this.joined ? '1' : '', recoveryMs, ...this.seen.keys()];
    const [had, recovering, ...alive] = await net.script<[number, number, ...string[]]>('lease', args);
    fence.renewed(sentAt, had === 1 ? undefined : next);
    if (recovering === 1) log.action('network-recovery', { node: net.node, awaiting: this.seen.size, ms: recoveryMs });
    for (const node of alive) this.seen.set(node, sentAt);
    return had;
  }

  /** Makes Redis agree with this node's users and rooms again; runs once at a time. */
  private resync(): Promise<void> {
    this.resyncing ??= this.register().finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }

  private async register(): Promise<void> {
    const { net, users, log, fence } = this.deps;
    try {
      await this.renew();
      const generation = fence.generation;
      const dropped = await net.script<string[]>('prune', [net.node, ...users.kept()]);
      const { taken, full } = await this.registerUsers();
      // Logins on every node wait for the recovery to have heard from all the nodes it awaits.
      await net.run((redis) => redis.srem(`${PREFIX}recovery`, net.node));
      // A lapse while this ran may have lost what it registered: the next tick runs it again.
      this.stale = !fence.reopen(generation);
      log.action('network-registered', { node: net.node, users: users.local.size, taken, full });
      // Users who left while Redis was away: their rooms on other nodes have not been told yet.
      for (let i = 0; i < dropped.length; i += 2) await this.gone(dropped[i]!, dropped[i + 1]!);
    } catch (error) {
      this.stale = true;
      if (net.ready) log.error('re-registering with the network failed', error);
    }
  }

  /** Registers each local user and their room, a batch per round trip; those who lost their name or room are told. */
  private async registerUsers(): Promise<{ taken: number; full: number }> {
    const { net, users, local, capacity, moving } = this.deps;
    const counts = { taken: 0, full: 0 };
    const all = [...users.local];
    for (let start = 0; start < all.length; start += REGISTER_BATCH) {
      const batch = all.slice(start, start + REGISTER_BATCH);
      const rooms = batch.map(([, name]) => local.room(name));
      const args = batch.flatMap(([lower, name], i) => {
        // A join or leave sent before this runs in Redis first; its answer then brings `local` up to date.
        return [lower, name, moving().has(name) ? '*' : (rooms[i]?.key ?? ''), rooms[i]?.name ?? ''];
      });
      const statuses = await net.script<string[]>('register', [net.node, capacity, ...args]);
      batch.forEach(([lower, name], i) => this.settle(lower, name, rooms[i], statuses[i]!, counts));
    }
    return counts;
  }

  /** Tells a user who lost their name (and disconnects them) or their room while the network was away. */
  private settle(lower: string, name: string, room: { name: string } | undefined, status: string, counts: { taken: number; full: number }): void {
    const { users, sessions, leaveLocally } = this.deps;
    const endpoint = sessions.get(name);
    if (status === 'taken') {
      counts.taken++;
      leaveLocally(name);
      users.local.delete(lower);
      endpoint?.tell({ kind: 'refusal', code: 'NAME_TAKEN', message: `while the network was unavailable, '${name}' logged in on another server` });
      endpoint?.end('quit', 'your username was taken on another server');
    } else if (status === 'full' && room) {
      counts.full++;
      leaveLocally(name);
      endpoint?.tell({ kind: 'left', room: room.name, user: name, reason: 'connection lost' });
      endpoint?.tell({ kind: 'notice', text: `${room.name} filled up while the network was unavailable; /join it again later` });
    }
  }

  /** A user another node lost (or this node had forgotten): their room is told, transfers to them end. */
  private async gone(user: string, room: string): Promise<void> {
    this.deps.uploads().userGone(user);
    if (!room) return;
    await this.deps.delivery.toRoom(room, { kind: 'left', room, user, reason: 'connection lost' });
    this.deps.log.action('leave', { user, room, reason: 'connection lost' });
  }
}
