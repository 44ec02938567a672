// The client's id for the command line rides on the context out of the plugin's sight: the core
// (an upload's answers) reads it with `requestOf`, and no plugin handles protocol ids.
const REQUEST = Symbol('chatserver:request');

/** Attaches the request id to a context the dispatcher builds. */
export function withRequest<C extends object>(context: C, requestId: number): C {
  return Object.defineProperty(context, REQUEST, { value: requestId, enumerable: false });
}

/** The request id of a command's context (see withRequest), or undefined for anything else. */
export function requestOf(context: object): number | undefined {
  return (context as Record<symbol, number | undefined>)[REQUEST];
}
