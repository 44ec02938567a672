import type { EventEmitter } from 'node:events';
import Enquirer from 'enquirer';

/** A key as Node's readline reports it (enquirer parses the same shape). */
export interface Key {
  name?: string;
  sequence?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  code?: string;
}

/**
 * The parts of enquirer's `Input` prompt that ChatPrompt uses. enquirer's typings describe
 * none of them, so they are written down here and the class is cast once.
 */
export interface EnquirerInput extends EventEmitter {
  /** The text being edited (a getter/setter over `state.input`). */
  input: string;
  /** The cursor, in UTF-16 units into `input`. */
  cursor: number;
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly state: { clipboard: string[] };
  keypress(ch: string | undefined, key?: Key): Promise<void>;
  dispatch(ch: string | undefined, key: Key): void;
  render(): void;
  start(): void;
  submit(): void;
  alert(): void;
  append(ch: string): void;
  left(): void;
  right(): void;
  delete(): void;
  deleteForward(): void;
  cutLeft(): void;
}

export interface EnquirerInputOptions {
  name: string;
  message: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export const EnquirerInputBase = (Enquirer as unknown as { Input: new (options: EnquirerInputOptions) => EnquirerInput }).Input;
