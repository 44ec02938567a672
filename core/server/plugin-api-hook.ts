/**
 * Module resolve hook (registered with node:module `register`): maps the bare specifier
 * `chatserver/plugin-api` to the running server's own copy, so plugins in any folder share the
 * server's framework and tsyringe instead of needing an install of their own.
 */
const SPECIFIER = 'chatserver/plugin-api';
let target = '';

export async function initialize(data: { target: string }): Promise<void> {
  target = data.target;
}

type Next = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<unknown> {
  if (specifier === SPECIFIER) return { url: target, shortCircuit: true };
  return next(specifier, context);
}
