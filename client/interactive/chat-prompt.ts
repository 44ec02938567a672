import { emitKeypressEvents } from 'node:readline';
import { EnquirerInputBase, type Key } from './enquirer-input.js';
import { draw, erase, HIDE_CURSOR, SHOW_CURSOR, type Drawn } from './frame.js';
import { graphemeStep, hangingRows, MIN_INDENT, truncate } from './layout.js';
import { History } from './history.js';

/** A line shown between the output and the prompt; cut to the terminal's width when drawn. */
export interface StatusLine {
  text: string;
  style?: (s: string) => string;
}

export interface ChatPromptEvents {
  line: [string];
  exit: [];
  /** Tab (`reverse` for Shift+Tab): the owner completes through `replace()`. */
  tab: [reverse: boolean];
  /** Any key other than Tab, so the owner can drop its completion state. */
  edit: [];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/**
 * The one long-lived input line of the interactive client, built on enquirer's `Input`:
 * enquirer does the editing, this class does the drawing. It never closes between lines
 * (a new prompt per line drops keys typed right after Enter), draws synchronously in one
 * write per change, and lets other output appear above it through `print()`.
 * See TERMINAL.md in the shared notes for why each piece is the way it is.
 */
export class ChatPrompt extends EnquirerInputBase {
  readonly history = new History(500);
  /** Off while asking for the username, which is not worth recalling. */
  recordHistory = false;
  private promptLabel: (columns: number) => string = () => '';
  private progress: (columns: number) => StatusLine[] = () => [];
  private hint: StatusLine[] = [];
  private drawn: Drawn | undefined;
  private detach: (() => void) | undefined;
  /** Keys not handled yet: they wait while a completion is being looked up. */
  private readonly pending: [string | undefined, Key][] = [];
  private holding: Promise<void> | undefined;
  /** While a burst of keys is handled, drawing waits for its end: one redraw per paste, not per key. */
  private batching = false;
  private dirty = false;
  private pumpQueued = false;
  /** While a secret is asked for: who gets it, and what to put back after. */
  private secret: { resolve: (value: string | undefined) => void; label: (columns: number) => string; draft: string; clipboard: number } | undefined;

  constructor(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream) {
    super({ name: 'chat', message: '', stdin, stdout });
  }

  override on<E extends keyof ChatPromptEvents>(event: E, listener: (...args: ChatPromptEvents[E]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  get columns(): number {
    return Math.max(this.stdout.columns || 80, 2);
  }

  get running(): boolean {
    return this.detach !== undefined;
  }

  /** Takes over the terminal: raw mode and our own key listener (not enquirer's readline). */
  override start(): void {
    if (this.detach) return;
    const { stdin, stdout } = this;
    emitKeypressEvents(stdin);
    const wasRaw = stdin.isRaw;
    if (stdin.isTTY) stdin.setRawMode(true);
    const onKey = (ch: string | undefined, key: Key = {}) => {
      // Ctrl+C never waits behind anything.
      if (key.ctrl && key.name === 'c') return void this.emit('exit');
      this.pending.push([ch, key]);
      // Keys of one read arrive in one go: handle them together once they are all in.
      if (!this.pumpQueued) {
        this.pumpQueued = true;
        queueMicrotask(() => {
          this.pumpQueued = false;
          this.pump();
        });
      }
    };
    const onResize = () => this.render();
    stdin.on('keypress', onKey);
    stdout.on('resize', onResize);
    stdin.resume();
    this.detach = () => {
      stdin.off('keypress', onKey);
      stdout.off('resize', onResize);
      if (stdin.isTTY) stdin.setRawMode(wasRaw);
      stdin.pause();
    };
    this.render();
  }

  /**
   * Holds further keys until `work` (a completion fetching candidates) is done, then handles
   * them in order: `/jo<Tab>lobby` typed fast still completes before `lobby` goes in.
   */
  hold(work: Promise<unknown>): void {
    // Typing never stays stuck behind a lookup that does not come back.
    const limit = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
    const done: Promise<void> = Promise.race([work, limit])
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        if (this.holding === done) this.holding = undefined;
        this.pump();
      });
    this.holding = done;
  }

  /**
   * Asks for a secret on the prompt line itself, so the terminal stays ours and no key is lost:
   * shown masked as enquirer's Password prompt does (one `*` per character), never recorded in
   * history nor left in the clipboard. Resolves with it, or undefined on Escape or at the end.
   */
  askSecret(label: string): Promise<string | undefined> {
    if (this.secret) this.endSecret(undefined);
    return new Promise((resolve) => {
      // Whatever was typed ahead is put back afterwards, not taken for the secret.
      this.secret = { resolve, label: this.promptLabel, draft: this.input, clipboard: this.state.clipboard.length };
      this.input = '';
      this.cursor = 0;
      this.setLabel(() => label);
    });
  }

  private endSecret(value: string | undefined): void {
    const secret = this.secret!;
    this.secret = undefined;
    this.state.clipboard.length = Math.min(this.state.clipboard.length, secret.clipboard);
    this.input = secret.draft;
    this.cursor = secret.draft.length;
    this.hint = [];
    this.setLabel(secret.label);
    secret.resolve(value);
  }

  /** Removes the prompt, prints the last lines and gives the terminal back as it was. */
  finish(lines: readonly string[] = []): void {
    if (this.secret) this.endSecret(undefined);
    if (!this.detach) return;
    this.output(erase(this.drawn, this.columns) + this.rows(lines, MIN_INDENT, '\r\n') + SHOW_CURSOR);
    this.drawn = undefined;
    this.pending.length = 0;
    this.detach();
    this.detach = undefined;
  }

  /** The prompt's label, chosen afresh for each width (narrow terminals get a shorter one). */
  setLabel(label: (columns: number) => string): void {
    this.promptLabel = label;
    this.render();
  }

  /** Progress lines, made for the width at hand each time the prompt is drawn. */
  setProgress(lines: (columns: number) => StatusLine[]): void {
    this.progress = lines;
    this.render();
  }

  setHint(lines: StatusLine[]): void {
    this.hint = lines;
    this.render();
  }

  /** Replaces the text being edited (completion, history). */
  replace(text: string, cursor = text.length): void {
    this.input = text;
    this.cursor = Math.min(cursor, text.length);
    this.render();
  }

  /**
   * Prints lines above the prompt, which is redrawn below them, all in one write. A line wider
   * than the terminal goes on in rows that start with `indent` spaces.
   */
  print(lines: readonly string[], indent = MIN_INDENT): void {
    if (lines.length === 0) return;
    if (!this.detach) {
      this.output(this.rows(lines, indent, '\n'));
      return;
    }
    this.output(HIDE_CURSOR + erase(this.drawn, this.columns) + this.rows(lines, indent, '\r\n') + this.frameText() + SHOW_CURSOR);
  }

  private rows(lines: readonly string[], indent: number, eol: string): string {
    return lines.flatMap((line) => hangingRows(line, this.columns, indent)).map((row) => `${row}${eol}`).join('');
  }

  override render(): void {
    if (!this.detach) return;
    if (this.batching) {
      this.dirty = true;
      return;
    }
    this.dirty = false;
    this.output(HIDE_CURSOR + erase(this.drawn, this.columns) + this.frameText() + SHOW_CURSOR);
  }

  /** Enter: hand the line over and start a fresh one; the prompt stays open. */
  override submit(): void {
    if (this.secret) {
      this.endSecret(this.input);
      // Keys pasted behind the Enter wait for the owner to ask again (a confirmation), so that
      // a secret pasted twice never lands on the chat line in the clear.
      return this.hold(new Promise((resolve) => setImmediate(resolve)));
    }
    const line = this.input;
    if (this.recordHistory) this.history.push(line);
    this.input = '';
    this.cursor = 0;
    this.hint = [];
    this.render();
    this.emit('line', line);
  }

  override async keypress(ch: string | undefined, key: Key = {}): Promise<void> {
    const bound = this.binding(key);
    if (!(key.ctrl && key.name === 'r')) this.history.endSearch();
    if (key.name !== 'tab') {
      if (this.hint.length > 0) this.hint = [];
      this.emit('edit');
    }
    if (bound) return bound();
    return super.keypress(ch, key);
  }

  /** Only printable text is typed in: unbound escape sequences and controls are refused. */
  override dispatch(ch: string | undefined, key: Key): void {
    if (!ch || key.ctrl || key.meta || key.code || CONTROL.test(ch)) return this.alert();
    this.append(ch);
  }

  // Grapheme-aware movement and deletion: enquirer steps by UTF-16 unit, splitting emoji.
  override left(): void {
    if (this.cursor <= 0) return this.alert();
    this.replace(this.input, graphemeStep(this.input, this.cursor, -1));
  }

  override right(): void {
    if (this.cursor >= this.input.length) return this.alert();
    this.replace(this.input, graphemeStep(this.input, this.cursor, 1));
  }

  override delete(): void {
    if (this.cursor <= 0) return this.alert();
    const from = graphemeStep(this.input, this.cursor, -1);
    this.replace(this.input.slice(0, from) + this.input.slice(this.cursor), from);
  }

  override deleteForward(): void {
    if (this.cursor >= this.input.length) return this.alert();
    const to = graphemeStep(this.input, this.cursor, 1);
    this.replace(this.input.slice(0, this.cursor) + this.input.slice(to), this.cursor);
  }

  /** Ctrl+W: the word before the cursor and the blanks after it, as shells do. */
  override cutLeft(): void {
    if (this.cursor <= 0) return this.alert();
    const from = wordStart(this.input, this.cursor);
    this.state.clipboard.push(this.input.slice(from, this.cursor));
    this.replace(this.input.slice(0, from) + this.input.slice(this.cursor), from);
  }

  private binding(key: Key): (() => void) | undefined {
    const { name, ctrl, meta, shift } = key;
    // A secret is not completed, recalled from history or replaced by a recalled line.
    if (this.secret && name === 'escape') return () => this.endSecret(undefined);
    if (this.secret && (name === 'tab' || name === 'up' || name === 'down' || (ctrl && (name === 'p' || name === 'n' || name === 'r')))) return () => this.alert();
    if (ctrl && name === 'd') return () => (this.input.length === 0 ? this.emit('exit') : this.deleteForward());
    if (name === 'tab') return () => this.emit('tab', shift === true);
    if (name === 'escape') return () => this.render();
    if (ctrl && name === 'r') return () => this.recall(this.history.search(this.input));
    if (name === 'up' || (ctrl && name === 'p')) return () => this.recall(this.history.older(this.input));
    if (name === 'down' || (ctrl && name === 'n')) return () => this.recall(this.history.newer());
    if (name === 'home') return () => this.replace(this.input, 0);
    if (name === 'end' || (ctrl && name === 'e')) return () => this.replace(this.input);
    if (ctrl && name === 'u') return () => this.replace(this.input.slice(this.cursor), 0);
    if (ctrl && name === 'l') return () => this.redrawScreen();
    if (ctrl && name === 'z') return () => this.suspend();
    if ((ctrl && name === 'left') || (meta && name === 'b')) return () => this.replace(this.input, wordStart(this.input, this.cursor));
    if ((ctrl && name === 'right') || (meta && name === 'f')) return () => this.replace(this.input, wordEnd(this.input, this.cursor));
    if (meta && name === 'backspace') return () => this.cutLeft();
    return undefined;
  }

  private pump(): void {
    if (this.batching) return;
    this.batching = true;
    try {
      while (this.pending.length > 0 && !this.holding && this.detach) {
        const [ch, key] = this.pending.shift()!;
        // Handling is synchronous up to enquirer's final await, so keys keep their order.
        this.keypress(ch, key).catch((error: unknown) => this.print([`! ${String(error)}`]));
      }
    } finally {
      this.batching = false;
    }
    if (this.dirty) this.render();
  }

  private recall(line: string | undefined): void {
    if (line === undefined) return this.alert();
    this.replace(line);
  }

  /**
   * Ctrl+Z: the prompt steps aside, the terminal goes back to cooked mode and the whole process
   * group stops, as the tty would do it (so a wrapper such as npm stops too); `fg` brings it back.
   */
  private suspend(): void {
    const { stdin } = this;
    if (!stdin.isTTY || process.platform === 'win32') return this.alert();
    this.output(erase(this.drawn, this.columns) + SHOW_CURSOR);
    this.drawn = undefined;
    stdin.setRawMode(false);
    process.once('SIGCONT', () => {
      if (!this.detach) return;
      stdin.setRawMode(true);
      this.render();
    });
    process.kill(0, 'SIGTSTP');
  }

  /** Ctrl+L: a clean screen with just the prompt. */
  private redrawScreen(): void {
    this.output('\x1b[H\x1b[2J');
    this.drawn = undefined;
    this.render();
  }

  private frameText(): string {
    const width = this.columns;
    const status = [...this.progress(width - 1), ...this.hint].map(({ text, style }) => {
      const cut = truncate(text, width - 1);
      return style ? style(cut) : cut;
    });
    const input = this.secret ? '*'.repeat(this.input.length) : this.input;
    const { text, drawn } = draw({ status, label: this.promptLabel(width), input, cursor: this.cursor }, width);
    this.drawn = drawn;
    return text;
  }

  /** The terminal bell, apart from the frame: it moves nothing on the screen. */
  bell(): void {
    this.output('\x07');
  }

  private output(text: string): void {
    this.stdout.write(text);
  }
}

function wordStart(text: string, pos: number): number {
  let i = pos;
  while (i > 0 && text[i - 1] === ' ') i--;
  while (i > 0 && text[i - 1] !== ' ') i--;
  return i;
}

function wordEnd(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && text[i] === ' ') i++;
  while (i < text.length && text[i] !== ' ') i++;
  return i;
}
