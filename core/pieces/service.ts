import type { Token } from '../tokens.js';
import { definePiece, injectableWith } from './piece.js';

export interface ServiceOptions {
  inject?: Token<unknown>[];
  /**
   * Offers the service to other plugins by this name: a plugin that declares
   * `export const requires = ['thisplugin']` injects it with `@inject(pluginService<T>('name'))`.
   */
  name?: string;
}

export interface ServiceMeta {
  readonly name?: string;
}

/** The token of a service another plugin offers by name (see ServiceOptions.name). */
export function pluginService<T>(name: string): Token<T> {
  return Symbol.for(`chatserver:service:${name}`) as Token<T>;
}

/**
 * Declares a plugin service: one instance per server, created when the plugin is loaded and
 * shared by every piece of the same plugin file that injects it by its class
 * (`@inject(PollService)`, or `inject: [PollService]` in JavaScript). Two servers in one process
 * have two instances. A `dispose()` method, if any, runs when the server stops. With a `name`,
 * plugins that require this one may inject it too.
 */
export function Service(options: ServiceOptions = {}) {
  return <T extends new (...deps: never[]) => object>(target: T): T => {
    definePiece<ServiceMeta>(target, 'service', options.name === undefined ? {} : { name: options.name });
    injectableWith(target, options.inject);
    return target;
  };
}
