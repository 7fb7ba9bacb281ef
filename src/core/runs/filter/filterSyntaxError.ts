/** A filter or order-by that does not follow MLflow's search syntax, pointing at the offending token. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    /** The text that was parsed. */
    readonly text: string,
    /** 0-based offset of the bad token in `text` (`text.length` when the text ended too early). */
    readonly column: number,
    /** Length of the bad token (at least 1, so a caret always shows). */
    readonly length: number,
    /** The bad token as written, or '' at the end of the text. */
    readonly token: string,
  ) {
    super(message);
    this.name = 'FilterSyntaxError';
  }

  /** The text, and under it a `^^^` line marking the bad token. */
  formatWithCaret(): string {
    // Tabs keep their width in the caret line so the caret stays under the token.
    const pad = this.text.slice(0, this.column).replace(/[^\t]/g, ' ');
    return `${this.text}\n${pad}${'^'.repeat(Math.max(1, this.length))}`;
  }
}
