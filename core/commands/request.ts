// The client's id for the command line rides on the context out of the plugin's sight: the core
// (an upload's answers) reads it with `requestOf`, and no plugin handles protocol ids.
const REQUEST = Symbol('chatserver:request');

/**
 * Attaches the request id to a context the dispatcher builds. A plain symbol-keyed property:
 * every context then has the same shape (defineProperty made each one a dictionary), and a
 * symbol is out of sight of Object.keys, JSON and for-in alike.
 */
export function withRequest<C extends object>(context: C, requestId: number): C {
  (context as Record<symbol, number>)[REQUEST] = requestId;
  return context;
}

/** The request id of a command's context (see withRequest), or undefined for anything else. */
export function requestOf(context: object): number | undefined {
  return (context as Record<symbol, number | undefined>)[REQUEST];
}
