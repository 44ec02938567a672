import type { Token } from '../tokens.js';
import { definePiece, injectableWith } from './piece.js';

export interface ServiceOptions {
  inject?: Token<unknown>[];
}

/**
 * Declares a plugin service: one instance per server, created when the plugin is loaded and
 * shared by every piece of the same plugin file that injects it by its class
 * (`@inject(PollService)`, or `inject: [PollService]` in JavaScript). Two servers in one process
 * have two instances. A `dispose()` method, if any, runs when the server stops.
 */
export function Service(options: ServiceOptions = {}) {
  return <T extends new (...deps: never[]) => object>(target: T): T => {
    definePiece(target, 'service', {});
    injectableWith(target, options.inject);
    return target;
  };
}
