import { Cohort } from './cohort.js';
import { nativeLoad, nativeUsable } from './native.js';
import type { Target } from './targets.js';
import { Traffic, type Load, type Mode, type Send } from './traffic.js';


export type GeneratorKind = 'native' | 'node';
let preferred: GeneratorKind = 'node';

/** What `npm run bench` drives traffic with; native falls back to Node for what it cannot reach. */
export function useGenerator(kind: GeneratorKind): void {
  preferred = kind;
}

/** The generator a target gets: the native one speaks plain TCP to one address only. */
export const generatorFor = (target: Target): GeneratorKind => (preferred === 'native' && nativeUsable(target) ? 'native' : 'node');

/**
 * `clients` clients of `target` in rooms of 15, logged in and joined. `kind` overrides the
 * choice, for cases whose figures are compared with a case the native generator cannot drive.
 */
export function openLoad(target: Target, clients: number, mode: Mode, kind = generatorFor(target)): Promise<Load> {
  return kind === 'native' ? nativeLoad(target, clients, mode) : nodeLoad(target, clients, mode);
}

async function nodeLoad(target: Target, clients: number, mode: Mode): Promise<Load> {
  const traffic = new Traffic();
  const cohort = await Cohort.open(target, clients, traffic);
  const whisper: Send = (i, text) => {
    let j = Math.floor(Math.random() * (clients - 1));
    if (j >= i) j++;
    cohort.clients[i]!.whisper(cohort.clients[j]!.name, text);
    return 1;
  };
  const send = mode === 'room' ? cohort.say : whisper;
  return {
    step: (rate, seconds) => traffic.step(clients, rate, seconds, send, target.pids),
    close: () => cohort.close(),
  };
}
