import type { LeaveReason } from '../../protocol/messages.js';
import { senderOf, type Outgoing } from '../../events/outgoing.js';
import { encodeOutgoing } from '../../session/wire.js';
import type { ChatEvents, EventName } from '../../events/events.js';
import type { Delivery, SaveReport, Uploads } from '../../tokens.js';
import type { Endpoint, LocalSessions } from '../local-sessions.js';
import type { RemoteRecipient } from '../uploads.js';
import type { DropLog } from './drop-log.js';
import { encodeEnvelope, Kind, type Header } from './envelope.js';
import type { Fence } from './fence.js';
import type { LocalMembers } from './local-members.js';
import { unavailable, type RedisNetwork } from './network.js';
import { EVENTS_CHANNEL, nodeChannel, PREFIX, roomChannel } from './scripts.js';
import type { EnvelopeSigner } from './signer.js';

const ROOM_CHANNEL = roomChannel('');
// An acknowledgement that has not come after this long never will (its node died, or Redis lost it).
const ACK_TTL_MS = 60_000;
// Longer than any node lets an offer wait (a flag, minutes at most); a forgotten one just expires there.
const OFFER_TTL_MS = 15 * 60_000;
const MAX_OFFERS = 10_000;

/** Drops the entries older than `before` from a map kept in order of age. */
function forgetOld(map: Map<number, { at: number }>, before: number): void {
  for (const [id, entry] of map) {
    if (entry.at > before) return; // in order of age: the rest are younger
    map.delete(id);
  }
}

/**
 * Delivery across the network. A message is encoded once. Local recipients get the bytes
 * straight away; the others through Redis pub/sub: a room's channel (heard only by nodes with
 * members there) or the recipient's node's own channel. Everything a node publishes goes out
 * on one connection, and Redis delivers each channel's messages in order, so what one sender
 * says reaches every recipient in the order it was said.
 */
export class RedisDelivery implements Delivery {
  private nextAck = 1;
  private readonly acks = new Map<number, { done: (gone: boolean) => void; at: number }>();
  /** Transfers to users here whose save report goes back to the sender's node, by transfer id. */
  private readonly reportsTo = new Map<number, { user: string; node: string; at: number }>();
  /** Offers to users here from other nodes, where each answer goes, by transfer id. */
  private readonly offersFrom = new Map<number, { user: string; node: string; at: number }>();

  constructor(
    private readonly net: RedisNetwork,
    private readonly sessions: LocalSessions,
    private readonly local: LocalMembers,
    private readonly uploads: () => Uploads,
    private readonly fence: Fence,
    private readonly signer: EnvelopeSigner,
    private readonly drops: DropLog,
  ) {
    net.subscriber.on('messageBuffer', (channel: Buffer, data: Buffer) => this.receive(channel, data));
  }

  /** Listens to this node's own channel; resolves once Redis has confirmed it. */
  async start(): Promise<void> {
    await this.net.subscriber.subscribe(nodeChannel(this.net.node), EVENTS_CHANNEL);
  }

  /** Set by the composition root: where events from other nodes go. */
  onEvent: (event: EventName, payload: ChatEvents[EventName]) => void = () => {};

  /** Tells the other nodes what happened here, for their network-wide listeners. */
  relay(event: EventName, payload: ChatEvents[EventName]): Promise<void> {
    return this.publish(EVENTS_CHANNEL, encodeEnvelope(Kind.Event, this.net.node, { event, payload: { ...payload } }));
  }

  async toUser(user: string, event: Outgoing): Promise<boolean> {
    const from = senderOf(event);
    this.fence.check();
    if (this.sessions.get(user)) {
      // Ignored or not, the sender is told it reached them: ignoring is the recipient's own business.
      this.sessions.reach(user, from)?.tell(event);
      return true;
    }
    const endpoint = await this.remote(user, undefined, from);
    endpoint?.tell(event);
    return endpoint !== undefined;
  }

  movedOut: (user: string, reason: LeaveReason) => void = () => {};

  async moveOut(user: string, reason: LeaveReason): Promise<boolean> {
    this.fence.check();
    const node = await this.net.run((redis) => redis.hget(`${PREFIX}owners`, user.toLowerCase()));
    if (node === null || node === this.net.node) return false;
    await this.publish(nodeChannel(node), encodeEnvelope(Kind.Leave, this.net.node, { to: user, leave: { reason } }));
    return true;
  }

  async endSession(user: string, reason: LeaveReason, text: string): Promise<boolean> {
    this.fence.check();
    if (this.sessions.disconnect(user, reason, text)) return true;
    const node = await this.net.run((redis) => redis.hget(`${PREFIX}owners`, user.toLowerCase()));
    if (node === null || node === this.net.node) return false;
    await this.publish(nodeChannel(node), encodeEnvelope(Kind.End, this.net.node, { to: user, end: { reason, text } }));
    return true;
  }

  async toRoom(room: string, event: Outgoing): Promise<void> {
    this.net.check();
    this.fence.check();
    const key = room.toLowerCase();
    const frame = encodeOutgoing(event);
    const from = senderOf(event);
    for (const member of this.local.of(key)) this.sessions.reach(member, from)?.sendFrame(frame);
    await this.publish(roomChannel(key), encodeEnvelope(Kind.Room, this.net.node, from === undefined ? {} : { from }, frame));
  }

  /**
   * A user on another node, for file transfers: frames sent with `onWritten` are acknowledged by
   * that node once the recipient's socket has taken them (or `gone` is called if they have left).
   */
  async remote(user: string, gone?: () => void, from?: string): Promise<RemoteRecipient | undefined> {
    const node = await this.net.run((redis) => redis.hget(`${PREFIX}owners`, user.toLowerCase()));
    if (node === null || node === this.net.node) return undefined;
    const channel = nodeChannel(node);
    const publish = (header: Header, frame: Buffer) => {
      this.publish(channel, encodeEnvelope(Kind.User, this.net.node, header, frame)).catch(() => {
        // Redis went away with the frame: an upload notices by its missing credit, a chat line is lost.
      });
    };
    return {
      // `from` lets their node drop a whisper they ignore.
      tell: (event) => publish(from === undefined ? { to: user } : { to: user, from }, encodeOutgoing(event)),
      sendFrame: (frame, onWritten) => {
        if (!onWritten) return publish({ to: user }, frame);
        const ack = this.nextAck++;
        forgetOld(this.acks, Date.now() - ACK_TTL_MS);
        this.acks.set(ack, { done: (left) => (left ? gone?.() : onWritten()), at: Date.now() });
        publish({ to: user, ack }, frame);
      },
      endFile: (transfer) => publish({ to: user, reports: transfer }, encodeOutgoing({ kind: 'file-end', transfer, report: true })),
      offerFile: (offer) => publish({ to: user, from: offer.from, offers: offer.transfer }, encodeOutgoing(offer)),
      // Nothing ends another node's connections; that node owns them.
      end: () => {},
    };
  }

  /** A local user's save report on a transfer another node runs: back to that node, if it asked. */
  report(user: string, report: SaveReport): void {
    const asked = this.reportsTo.get(report.transfer);
    if (!asked || asked.user.toLowerCase() !== user.toLowerCase()) return;
    this.reportsTo.delete(report.transfer);
    this.publish(nodeChannel(asked.node), encodeEnvelope(Kind.Report, this.net.node, { from: user, report })).catch(() => {
      // Redis went away with it: the sender is told after a while that saving was not confirmed.
    });
  }

  /** A local user's answer to an offer another node made: back to that node, once. */
  answer(user: string, transfer: number, accept: boolean): void {
    const offered = this.offersFrom.get(transfer);
    if (!offered || offered.user.toLowerCase() !== user.toLowerCase()) return;
    this.offersFrom.delete(transfer);
    this.publish(nodeChannel(offered.node), encodeEnvelope(Kind.Answer, this.net.node, { from: user, answer: { transfer, accept } })).catch(() => {
      // Redis went away with it: the offer expires on its node, and the sender is told so.
    });
  }

  /** Publishes only while this node's lease holds its token: a node that was frozen or cut off speaks for no one. */
  private async publish(channel: string, data: Buffer): Promise<void> {
    this.fence.check();
    // Sealed as it is handed to the connection, so sequence numbers go out in order.
    const sent = await this.net.script<number>('publish', [this.net.node, this.fence.token, channel, this.signer.seal(channel, data)]);
    if (sent === 1) return;
    this.fence.lapsed();
    throw unavailable();
  }

  private receive(channelBytes: Buffer, data: Buffer): void {
    const envelope = this.signer.open(channelBytes, data);
    if (typeof envelope === 'string') return this.drops.add(envelope);
    if (envelope.origin === this.net.node) return;
    const channel = channelBytes.toString('latin1');
    const { header, body } = envelope;
    switch (envelope.kind) {
      case Kind.Room:
        if (!channel.startsWith(ROOM_CHANNEL)) return;
        for (const member of this.local.of(channel.slice(ROOM_CHANNEL.length))) this.sessions.reach(member, header.from)?.sendFrame(body);
        return;
      case Kind.User: {
        const session = header.to === undefined ? undefined : this.sessions.reach(header.to, header.from);
        if (header.reports !== undefined) this.expectReport(header.reports, header.to ?? '', envelope.origin, session?.reportsSaves === true);
        if (header.offers !== undefined) return this.offered(header.offers, header.to ?? '', envelope.origin, session, body);
        if (header.ack === undefined) return void session?.sendFrame(body);
        const answer = (gone: boolean) => {
          const reply = encodeEnvelope(Kind.Ack, this.net.node, { ack: header.ack, gone });
          this.publish(nodeChannel(envelope.origin), reply).catch(() => {});
        };
        if (!session) return answer(true);
        session.sendFrame(body, () => answer(false));
        return;
      }
      case Kind.Leave:
        if (this.sessions.get(header.to!)) this.movedOut(header.to!, header.leave!.reason);
        return;
      case Kind.End:
        this.sessions.disconnect(header.to!, header.end!.reason, header.end!.text);
        return;
      case Kind.Ack: {
        const pending = header.ack === undefined ? undefined : this.acks.get(header.ack);
        if (!pending) return;
        this.acks.delete(header.ack!);
        pending.done(header.gone === true);
        return;
      }
      case Kind.Report:
        if (header.from !== undefined && header.report !== undefined) this.uploads().saved(header.from, header.report);
        return;
      case Kind.Answer:
        if (header.from !== undefined && header.answer !== undefined) this.uploads().answer(header.from, header.answer.transfer, header.answer.accept);
        return;
      case Kind.Event:
        if (channel === EVENTS_CHANNEL) this.onEvent(header.event as EventName, header.payload as ChatEvents[EventName]);
    }
  }

  /** Remembers where a transfer's save report goes; a client that will not report is answered for at once. */
  private expectReport(transfer: number, user: string, node: string, reports: boolean): void {
    const now = Date.now();
    forgetOld(this.reportsTo, now - ACK_TTL_MS);
    this.reportsTo.set(transfer, { user, node, at: now });
    if (!reports) this.report(user, { transfer, outcome: 'unknown' });
  }

  /**
   * An offer from another node to a user here: remembered for their answer, or answered at once
   * for a client that does not ask first (it takes files as they come). An ignored sender's offer
   * is not shown, and expires on its node.
   */
  private offered(transfer: number, user: string, node: string, session: Endpoint | undefined, frame: Buffer): void {
    if (!session) return;
    forgetOld(this.offersFrom, Date.now() - OFFER_TTL_MS);
    // Each node bounds its own offers to a user; this bounds what all the others together leave here.
    if (this.offersFrom.size >= MAX_OFFERS) this.offersFrom.delete(this.offersFrom.keys().next().value!);
    this.offersFrom.set(transfer, { user, node, at: Date.now() });
    if (session.asksConsent) session.sendFrame(frame);
    else this.answer(user, transfer, true);
  }
}
