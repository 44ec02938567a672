/** What a workload needs from a chat protocol: ours or IRC, one lean connection per client. */
export interface Address {
  host: string;
  port: number;
  /** Connect with TLS (the bench's servers have a self-signed certificate: not verified). */
  tls?: boolean;
}

export interface Sink {
  /** A room message or a whisper sent by another client arrived at `client`. */
  onText(client: Client, text: string, whisper: boolean): void;
  /** The server refused something (flood limit, unknown user...). */
  onError(client: Client, code: string): void;
}

/** A sink for clients whose messages nobody counts. */
export const ignore: Sink = { onText: () => {}, onError: () => {} };

export interface Client {
  readonly name: string;
  /** Resolves once logged in (welcome/login-ok, or IRC 001); rejects on failure or close. */
  readonly ready: Promise<void>;
  /** Resolves when the server confirms this client is in `room`. */
  join(room: string): Promise<void>;
  say(text: string): void;
  whisper(to: string, text: string): void;
  close(): void;
}

export interface Protocol {
  connect(address: Address, name: string, sink: Sink): Client;
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

/** A promise with its settle functions, for replies matched by hand. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a client that nobody awaits any more must not crash the run
  return { promise, resolve, reject };
}
