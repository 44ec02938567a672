import type { ServerConfig } from '../config.js';
import { ArgumentError, UserError } from '../errors.js';
import type { FileOffer } from '../protocol/messages.js';
import { roomNameProblem, usernameProblem } from '../protocol/rules.js';
import type { UserDirectory } from '../tokens.js';
import type { CommandMeta } from './decorator.js';
import type { RawArgs } from '../protocol/command-line.js';

export interface KindEnv {
  users: UserDirectory;
  config: ServerConfig;
  files: readonly FileOffer[];
  secrets: Readonly<Record<string, string>>;
}

/** Counts characters as people do (code points), not UTF-16 units. */
export function characterCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

const WORD_MAX = 256;

/**
 * Checks every parsed argument against its kind and turns it into the value the plugin gets.
 * Refusals are UserErrors with a plain reason; the plugin only ever sees valid values.
 */
export async function resolveArgs(meta: CommandMeta, raw: RawArgs, env: KindEnv): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let offered: FileOffer | undefined; // refusals after a file argument say which file was not sent
  for (const spec of meta.args) {
    if (spec.kind === 'secret') {
      const secret = env.secrets[spec.name];
      if (secret !== undefined) out[spec.name] = secret;
      else if (!spec.optional) throw new ArgumentError(`<${spec.name}> is a secret the client asks for and sends apart from the line, and this client does not; use an up-to-date chatclient`, spec.name, meta.usage);
      continue;
    }
    const value = raw[spec.name];
    if (value === undefined) continue;
    switch (spec.kind) {
      case 'word':
        if (value.length === 0 || value.length > WORD_MAX) {
          throw new ArgumentError(`<${spec.name}> must be 1-${WORD_MAX} characters`, spec.name, meta.usage);
        }
        out[spec.name] = value;
        break;
      case 'user': {
        const problem = usernameProblem(value, env.config.usernameMax);
        if (problem) throw new ArgumentError(problem, spec.name, meta.usage);
        const online = await env.users.resolve(value);
        if (!online) {
          const reason = `no user named '${value}' is online`;
          throw new UserError('NO_SUCH_USER', offered ? `${offered.name} was not sent: ${reason}` : reason);
        }
        out[spec.name] = online;
        break;
      }
      case 'room': {
        const problem = roomNameProblem(value, env.config.roomNameMax);
        if (problem) throw new ArgumentError(problem, spec.name, meta.usage);
        out[spec.name] = value;
        break;
      }
      case 'text': {
        if (value.trim().length === 0) throw new ArgumentError(`<${spec.name}> cannot be empty`, spec.name, meta.usage);
        // No more code points than UTF-16 units: only a long string needs counting.
        const length = value.length <= env.config.messageMax ? 0 : characterCount(value);
        if (length > env.config.messageMax) {
          throw new UserError(
            'MESSAGE_TOO_LONG',
            `message is ${length.toLocaleString('en-US')} characters; the limit is ${env.config.messageMax.toLocaleString('en-US')} (nothing was sent)`,
          );
        }
        out[spec.name] = value;
        break;
      }
      case 'file': {
        const offer = env.files.find((f) => f.arg === spec.name);
        if (!offer) {
          throw new ArgumentError(`<${spec.name}> must be uploaded by the client as a file`, spec.name, meta.usage);
        }
        out[spec.name] = offered = offer;
        break;
      }
    }
  }
  return out;
}
