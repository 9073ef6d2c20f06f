/**
 * Quoting for values that reach a shell script (EC2 UserData). Profile strings are validated
 * to strict patterns before they get here, but a construct library is also called with values
 * no schema saw, so every interpolated value is quoted as well: inside single quotes the shell
 * expands nothing ($(...), `...`, ${...}, globs, newlines all stay literal).
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error(`a shell argument cannot contain a NUL byte: ${JSON.stringify(value)}`);
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** A TCP port as it may appear unquoted in a script: an integer from 1 to 65535, or an error. */
export function shellPort(port: number, what = 'port'): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what}: expected an integer from 1 to 65535, got ${port}`);
  return String(port);
}
