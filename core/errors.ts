/**
 * An error meant for the user who ran the command: the dispatcher sends its message to that
 * user only and logs nothing more than the refusal. `code` is stable for programs and tests.
 *
 * @example
 * throw new UserError('NOT_IN_ROOM', 'you are not in a room; /join one first');
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A command line that does not fit the command's declared arguments. */
export class ArgumentError extends UserError {
  constructor(
    message: string,
    readonly argument: string | undefined,
    readonly usage: string,
  ) {
    super('BAD_ARGUMENTS', `${message}\nusage: ${usage}`);
    this.name = 'ArgumentError';
  }
}

/** Anything that must stop the server from starting: printed as one line, exit code 1. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
