/** util.parseArgs explains at length; one short sentence is enough here. */
export function argvProblem(error: Error): string {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `option '${option.split(' ')[0]}' needs a value`;
  return error.message.split('\n')[0]!;
}
