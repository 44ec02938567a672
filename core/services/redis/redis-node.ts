import type { ServerConfig } from '../../config.js';
import type { ActionLog, Uploads } from '../../tokens.js';
import type { LocalSessions } from '../local-sessions.js';
import type { TransferNetwork } from '../uploads.js';
import { DropLog } from './drop-log.js';
import { Fence } from './fence.js';
import { LocalMembers } from './local-members.js';
import { RedisNetwork } from './network.js';
import { NetworkClock } from './network-clock.js';
import { NodeLease } from './node-lease.js';
import { RedisDelivery } from './redis-delivery.js';
import { RedisRoomDirectory } from './redis-rooms.js';
import { RedisUserDirectory } from './redis-users.js';
import { RoomChannels } from './room-channels.js';
import { redact } from './redact.js';
import { PREFIX } from './scripts.js';
import { RedisStores } from './redis-store.js';
import type { Backend, EventLink } from '../backend.js';
import { EnvelopeSigner } from './signer.js';

/** Everything that makes this server a node of a network (SPEC §8), built for the composition root. */
export class RedisNode implements Backend {
  readonly stores: RedisStores;

  private constructor(
    readonly net: RedisNetwork,
    readonly users: RedisUserDirectory,
    readonly rooms: RedisRoomDirectory,
    readonly delivery: RedisDelivery,
    private readonly lease: NodeLease,
    private readonly transferIds: { last: number },
    /** What runs a timer of its own: the log of dropped messages, the network clock. */
    private readonly timers: { stop(): void }[],
  ) {
    this.stores = new RedisStores(net);
  }

  /** Events go out and come in on the network's events channel. */
  get events(): EventLink {
    return this.delivery;
  }

  /** Connects, subscribes and takes a lease; throws StartupError when Redis cannot be reached. */
  static async join(config: ServerConfig, sessions: LocalSessions, log: ActionLog, uploads: () => Uploads): Promise<RedisNode> {
    const redis = redact(config.redisUrl!, config.redisUrl);
    const net = await RedisNetwork.connect(config.redisUrl!, config, (error) => log.action('network-error', { redis, error }));
    const local = new LocalMembers();
    const fence = new Fence(config.nodeLeaseMs);
    const channels = new RoomChannels(net);
    const rooms = new RedisRoomDirectory(net, local, channels, config.roomCapacity, fence);
    const users = new RedisUserDirectory(net, (name) => rooms.leaveLocally(name), fence);
    const drops = new DropLog(log);
    const clock = new NetworkClock(net);
    const delivery = new RedisDelivery(net, sessions, local, uploads, fence, new EnvelopeSigner(config.networkSecret, () => clock.now()), drops);
    const transferIds = { last: 0 };
    const lease = new NodeLease({
      net, users, local, sessions, delivery, uploads, log,
      leaveLocally: (user) => rooms.leaveLocally(user),
      capacity: config.roomCapacity,
      leaseMs: config.nodeLeaseMs,
      fence,
      transferIds: () => transferIds.last,
      moving: () => rooms.moving,
    });
    try {
      // Only signed messages carry the time.
      if (config.networkSecret !== null) await clock.start();
      await delivery.start();
      await lease.start();
    } catch (error) {
      for (const timer of [drops, clock]) timer.stop();
      await net.close();
      throw error;
    }
    log.action('network-joined', { node: net.node, redis });
    return new RedisNode(net, users, rooms, delivery, lease, transferIds, [drops, clock]);
  }

  /** File transfers to users on other nodes, with ids unique across the network. */
  get transfers(): TransferNetwork {
    return {
      nextId: async () => {
        const id = await this.net.run((redis) => redis.incr(`${PREFIX}transfer-id`));
        this.transferIds.last = Math.max(this.transferIds.last, id);
        return id;
      },
      endpoint: (user, gone) => this.delivery.remote(user, gone),
      report: (recipient, report) => this.delivery.report(recipient, report),
      answer: (recipient, transfer, accept) => this.delivery.answer(recipient, transfer, accept),
    };
  }

  /** After the connections have closed: give everything back and disconnect. */
  async close(): Promise<void> {
    await this.lease.stop();
    for (const timer of this.timers) timer.stop();
    await this.net.close();
  }
}
