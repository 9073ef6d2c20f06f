import type { Ora } from 'ora';
// cli-table3 and ora are loaded on first use: they are a third of `stagekit stages`' start-up.
const cliTable = () => require('cli-table3') as typeof import('cli-table3');
const loadStringWidth = () => require('string-width') as (text: string) => number;
const loadOra = () => require('ora') as typeof import('ora');
import pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;
const painted = pc.createColors(true);
const plainText = pc.createColors(false);

/**
 * Whether output is coloured now: picocolors' rule (FORCE_COLOR, a terminal, or CI logs that render
 * ANSI), but never under NO_COLOR, --no-color or TERM=dumb. Decided at each call, not once at import
 * as picocolors does, so NO_COLOR set after start-up (an embedding program, a test) is honoured.
 */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColor(env) || process.argv.includes('--no-color')) return false;
  return Boolean(env.FORCE_COLOR) || process.argv.includes('--color') || Boolean(process.stdout.isTTY) || Boolean(env.CI);
}

/** picocolors' styles, each asking colorEnabled() when it is called. */
export const colors: Colors = Object.fromEntries(
  (Object.keys(painted) as (keyof Colors)[]).map((name) => {
    const style = painted[name];
    if (typeof style !== 'function') return [name, style];
    return [name, (input: unknown) => (colorEnabled() ? (style as (text: unknown) => string)(input) : (plainText[name] as (text: unknown) => string)(input))];
  }),
) as unknown as Colors;

/** Whether colour is off: NO_COLOR set to anything non-empty (https://no-color.org), or TERM=dumb. */
export function noColor(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.NO_COLOR) || env.TERM === 'dumb';
}

/** What a command does with its spinner. */
export interface Progress {
  text: string;
  stop(): void;
  fail(text: string): void;
}

/**
 * A spinner on an interactive terminal; silent when piped or in CI (ora checks both). Under NO_COLOR
 * it spins and fails without colour codes (ora colours its frame and symbols with chalk otherwise).
 */
export function progress(text: string, stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Progress {
  const interactive = Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
  // Piped or in CI the spinner is silent (a silent ora writes nothing, its failure line included): do not load ora for it.
  if (!interactive) {
    return { text, stop: () => undefined, fail: () => undefined };
  }
  const plain = noColor(env);
  const spinner: Ora = loadOra()({ text, stream, discardStdin: false, color: plain ? (false as unknown as 'cyan') : 'cyan', spinner: plain ? 'line' : undefined }).start();
  return {
    get text() {
      return spinner.text;
    },
    set text(value: string) {
      spinner.text = value;
    },
    stop: () => void spinner.stop(),
    fail: (message: string) => void (plain ? spinner.stopAndPersist({ symbol: 'x', text: message }) : spinner.fail(message)),
  };
}

/** A plain table: borders only on a terminal, so piped output stays easy to grep and diff. */
export function table(head: string[], rows: (string | number)[][], options: { alignRight?: number[] } = {}): string {
  const interactive = Boolean(process.stdout.isTTY);
  const cells = rows.map((row) => row.map(String));
  const multiLineColour = cells.some((row) => row.some((cell) => cell.includes('\n') && cell.includes('\u001b')));
  const rectangular = cells.every((row) => row.length === head.length);
  // cli-table3 lays out borderless tables about a hundred times slower than padding does (it measures
  // every cell's width over and over): `stagekit plan` spent most of its time there. Borders, and
  // coloured multi-line cells (whose colour codes cli-table3 reopens on every line) and ragged rows still go through it.
  if (!interactive && !multiLineColour && rectangular) return paddedTable(head.map((h) => colors.bold(h)), cells, options.alignRight ?? []);
  const Table = cliTable();
  const table = new Table({
    head: head.map((h) => colors.bold(h)),
    style: { head: [], border: [], compact: !interactive, 'padding-left': interactive ? 1 : 0, 'padding-right': interactive ? 1 : 2 },
    chars: interactive
      ? undefined
      : { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '' },
    colAligns: head.map((_, i) => (options.alignRight?.includes(i) ? 'right' : 'left')),
  });
  for (const row of cells) table.push(row);
  return table.toString();
}

/**
 * The borderless layout cli-table3 draws with compact style, no padding on the left and two spaces on the
 * right: every column as wide as its widest line (terminal columns, colour codes not counted), each row
 * as many lines as its tallest cell.
 */
function paddedTable(head: string[], rows: string[][], alignRight: readonly number[]): string {
  const width = loadStringWidth();
  const grid = [head, ...rows].map((row) => row.map((cell) => cell.split('\n')));
  const columnWidths = head.map((_, column) => Math.max(...grid.map((row) => Math.max(...row[column].map((line) => width(line))))));
  const lines: string[] = [];
  for (const row of grid) {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let lineIndex = 0; lineIndex < height; lineIndex++) {
      lines.push(
        row
          .map((cell, column) => {
            const text = cell[lineIndex] ?? '';
            const fill = ' '.repeat(columnWidths[column] - width(text));
            return (alignRight.includes(column) ? fill + text : text + fill) + '  ';
          })
          .join(''),
      );
    }
  }
  return lines.join('\n');
}

/**
 * Runs `fn` with console output held back (the CDK prints its validation report, the same
 * synth warning for every stage); returns what it would have printed, so the caller can
 * show each message once, or all of it when `fn` fails.
 */
export function captureConsole<T>(fn: () => T): { result: T; printed: string[] } {
  const printed: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = (...args: unknown[]) => printed.push(args.map(String).join(' '));
  try {
    return { result: fn(), printed };
  } catch (err) {
    for (const line of printed) process.stderr.write(`${line}\n`);
    throw err;
  } finally {
    Object.assign(console, saved);
  }
}

/** A CDK validation message without the line pointing at the report file (it differs per stage). */
export function withoutReportPath(message: string): string {
  return message.replace(/\n*A copy of this report can be found in: .*$/s, '').trim();
}
