import type { DependencyContainer } from 'tsyringe';
import { Tokens } from '../tokens.js';
import type { CommandClass } from '../commands/decorator.js';

// tsyringe's own metadata keys: `@inject` (and our `inject:` option) record tokens by parameter
// index; tsc records the declared parameter types when decorators run.
const TOKENS_KEY = 'injectionTokens';
const TYPES_KEY = 'design:paramtypes';

const KNOWN = Object.entries(Tokens) as [string, symbol][];
// The core's own plumbing is not offered to plugins in messages (they speak Chat, not Delivery).
const CORE_ONLY = new Set(['RoomDirectory', 'Delivery', 'Events', 'RoomMeta']);
const listed = KNOWN.filter(([key]) => !CORE_ONLY.has(key)).map(([key]) => `Tokens.${key}`).join(', ');

function parameterNames(cls: CommandClass): string[] {
  const source = Function.prototype.toString.call(cls);
  const params = /constructor\s*\(([^)]*)\)/.exec(source)?.[1] ?? '';
  return params.split(',').map((p) => p.replace(/\/\*.*?\*\//g, '').replace(/[=:].*$/s, '').replace(/^\s*(?:@\S+\s+)*(?:(?:private|public|protected|readonly)\s+)*/, '').trim());
}

function describe(token: unknown): string {
  if (typeof token === 'symbol') return token.description ?? String(token);
  if (typeof token === 'function') return token.name || 'an anonymous class';
  return JSON.stringify(token) ?? String(token);
}

/**
 * Why the container cannot build this command, in a plugin author's words, or undefined when it
 * can. tsyringe's own messages ("TypeInfo not known for", "Cannot inject the dependency at
 * position #0 of \"\" constructor") name neither the parameter nor the fix.
 */
export function injectionProblem(cls: CommandClass, container: DependencyContainer): string | undefined {
  const tokens: Record<number, unknown> = Reflect.getOwnMetadata(TOKENS_KEY, cls) ?? {};
  const types: unknown[] | undefined = Reflect.getMetadata(TYPES_KEY, cls);
  const names = parameterNames(cls);
  const count = Math.max(cls.length, types?.length ?? 0, ...Object.keys(tokens).map((i) => Number(i) + 1));
  for (let i = 0; i < count; i++) {
    const param = `constructor parameter ${i + 1}${names[i] ? ` (${names[i]})` : ''}`;
    if (!(i in tokens)) {
      return types
        ? `${param} has no @inject: add @inject(Tokens.X) to it, as TypeScript cannot inject an interface by its type (the tokens are ${listed})`
        : `${param} has no token: list the services the constructor takes, in order, as inject: [Tokens.X, …] (the tokens are ${listed})`;
    }
    const recorded = tokens[i];
    // `@inject(token)` records a descriptor `{token, multiple}`; older forms the bare token.
    const token = typeof recorded === 'object' && recorded !== null && 'token' in recorded ? recorded.token : recorded;
    if (token === undefined) return `${param} is injected with undefined, a misspelt token? (the tokens are ${listed})`;
    if (!container.isRegistered(token as symbol, true)) {
      const name = typeof token === 'string' ? token : typeof token === 'symbol' ? token.description : undefined;
      const meant = KNOWN.find(([key, value]) => key.toLowerCase() === name?.toLowerCase() || value.description === name);
      return `${param} asks for ${describe(token)}, which this server does not provide${meant ? `; use Tokens.${meant[0]}` : ` (the tokens are ${listed})`}`;
    }
  }
  return undefined;
}
