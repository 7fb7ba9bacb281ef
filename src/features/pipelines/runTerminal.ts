import * as vscode from 'vscode';

/** ANSI colours for the few lines we write ourselves (the stages' own output passes through untouched). */
export const ansi = {
  bold: (s: string) => `\x1b[1m${s}\x1b[22m`,
  dim: (s: string) => `\x1b[2m${s}\x1b[22m`,
  green: (s: string) => `\x1b[32m${s}\x1b[39m`,
  red: (s: string) => `\x1b[31m${s}\x1b[39m`,
  yellow: (s: string) => `\x1b[33m${s}\x1b[39m`,
  cyan: (s: string) => `\x1b[36m${s}\x1b[39m`,
};

/**
 * A terminal the user watches a pipeline run in, fed by the runner's output (a Pseudoterminal: no shell, so
 * nothing typed runs). Ctrl+C or closing the terminal cancels the run; once the run is over, any key closes it.
 */
export class RunTerminal implements vscode.Disposable {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  private readonly buffered: string[] = [];
  private opened = false;
  private finished = false;
  private closed = false;
  readonly terminal: vscode.Terminal;
  /** Everything written, for the in-host tests (bounded). */
  private transcript = '';

  constructor(name: string, private readonly onCancel: () => void) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writeEmitter.event,
      onDidClose: this.closeEmitter.event,
      open: () => {
        this.opened = true;
        for (const chunk of this.buffered.splice(0)) this.writeEmitter.fire(chunk);
      },
      close: () => {
        this.closed = true;
        if (!this.finished) this.onCancel();
      },
      handleInput: (data) => {
        if (this.finished) this.closeEmitter.fire();
        else if (data === '\x03') {
          this.write(ansi.yellow('^C cancelling…') + '\n');
          this.onCancel();
        }
      },
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('run-all'), isTransient: true, location: vscode.TerminalLocation.Panel });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get text(): string {
    return this.transcript;
  }

  /** Writes text; bare `\n` become `\r\n` as a terminal needs. */
  write(text: string): void {
    const data = text.replace(/\r?\n/g, '\r\n');
    this.transcript = (this.transcript + text).slice(-200_000);
    if (this.opened) this.writeEmitter.fire(data);
    else this.buffered.push(data);
  }

  /** The run is over: the terminal stays for reading until a key is pressed or it is closed. */
  finish(): void {
    this.finished = true;
    this.write(ansi.dim('\nPress any key to close this terminal.\n'));
  }

  show(preserveFocus = true): void {
    this.terminal.show(preserveFocus);
  }

  dispose(): void {
    this.finished = true;
    this.terminal.dispose();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }
}
