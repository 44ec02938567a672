import type { ExecutionContext } from 'ava';
import { ChatConnection, type CloseInfo } from '../../client/connection.js';
import type { ServerMessage } from '../../core/protocol/messages.js';

// Upper bounds only: a passing test never waits this long, and a loaded CI machine may be slow.
export const WAIT_MS = 10_000;

/**
 * A client for tests: records every event, and waits for the one it expects (with a timeout)
 * instead of sleeping.
 */
export class TestClient {
  readonly events: ServerMessage[] = [];
  private waiters: { test: (e: ServerMessage) => boolean; resolve: (e: ServerMessage) => void }[] = [];
  closeInfo: CloseInfo | undefined;
  readonly closed: Promise<CloseInfo>;

  constructor(readonly connection: ChatConnection) {
    connection.on('event', (event) => {
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(event)) return true;
        w.resolve(event);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      connection.on('close', (info) => {
        this.closeInfo = info;
        resolve(info);
      }),
    );
  }

  get name(): string {
    return this.connection.user;
  }

  static async connect(t: ExecutionContext, port: number, features?: string[]): Promise<TestClient> {
    const client = new TestClient(await ChatConnection.connect({ host: '127.0.0.1', port, ...(features ? { features } : {}) }));
    t.teardown(() => client.connection.close());
    return client;
  }

  /** Connects and logs in, failing the test if the name is refused. */
  static async login(t: ExecutionContext, port: number, name: string, features?: string[]): Promise<TestClient> {
    const client = await TestClient.connect(t, port, features);
    const result = await client.connection.login(name);
    if (!result.ok) throw new Error(`login as ${name} refused: ${result.reason}`);
    return client;
  }

  send(line: string): number {
    return this.connection.send(line);
  }

  /** Resolves with the first event (already received or coming) that matches. */
  waitFor<T extends ServerMessage>(test: (e: ServerMessage) => e is T, what?: string, ms?: number): Promise<T>;
  waitFor(test: (e: ServerMessage) => boolean, what?: string, ms?: number): Promise<ServerMessage>;
  waitFor(test: (e: ServerMessage) => boolean, what = 'event', ms = WAIT_MS): Promise<ServerMessage> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return this.waitForNew(test, what, ms);
  }

  /** Like waitFor, but only for events that arrive from now on. */
  waitForNew(test: (e: ServerMessage) => boolean, what = 'event', ms = WAIT_MS): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name || 'client'} waited ${ms} ms for ${what}; got: ${JSON.stringify(this.events.slice(-5))}`));
      }, ms);
      const waiter = {
        test,
        resolve: (e: ServerMessage) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends a line and resolves with the reply or error the server sends back for it. */
  async request(line: string): Promise<Extract<ServerMessage, { t: 'reply' | 'error' }>> {
    const id = this.send(line);
    return (await this.waitFor((e) => (e.t === 'reply' || e.t === 'error') && e.re === id, `answer to ${line}`)) as Extract<
      ServerMessage,
      { t: 'reply' | 'error' }
    >;
  }

  /** Sends a line that must be refused, and returns the error. */
  async refused(line: string): Promise<Extract<ServerMessage, { t: 'error' }>> {
    const answer = await this.request(line);
    if (answer.t !== 'error') throw new Error(`expected ${line} to be refused, got ${JSON.stringify(answer)}`);
    return answer;
  }

  /** Joins a room and waits for the server to confirm it. */
  async join(room: string): Promise<void> {
    this.send(`/join ${room}`);
    await this.waitForNew((e) => (e.t === 'joined' && e.user === this.name) || e.t === 'error', `join ${room}`).then((e) => {
      if (e.t === 'error') throw new Error(`join ${room} refused: ${e.message}`);
    });
  }

  /** Leaves the current room and waits for the server to confirm it. */
  async leave(): Promise<void> {
    this.send('/leave');
    await this.waitForNew((e) => (e.t === 'left' && e.user === this.name) || e.t === 'error', 'leave').then((e) => {
      if (e.t === 'error') throw new Error(`leave refused: ${e.message}`);
    });
  }

  /**
   * A round trip through this connection's command queue: when it resolves, every command sent
   * before has run and everything queued to this client before it has arrived.
   */
  async barrier(): Promise<void> {
    await this.request('/help help');
  }

  of<T extends ServerMessage['t']>(type: T): Extract<ServerMessage, { t: T }>[] {
    return this.events.filter((e) => e.t === type) as Extract<ServerMessage, { t: T }>[];
  }
}
