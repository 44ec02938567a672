import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>>;

/**
 * util.parseArgs in strict mode with positionals, its long explanations cut to one short
 * sentence that points at the program's --help; `fail` makes the program's own error type.
 */
export function parseArgv<O extends Options>(argv: string[], options: O, program: string, fail: (message: string) => Error): Parsed<O> {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    throw fail(`${argvProblem(error as Error)} (see ${program} --help)`);
  }
}

function argvProblem(error: Error): string {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `option '${option.split(' ')[0]}' needs a value`;
  return error.message.split('\n')[0]!;
}
