import { statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ioProblem, isNotFound } from '../mlflow/fileStore/fsProblems';
import { readSmallFile, SMALL_FILE } from '../mlflow/fileStore/syncFs';
import { FileProblems } from './logFolderRuns';

// A small file a training tool rewrites whole (dvclive's params.yaml and metrics.json, Lightning's hparams.yaml),
// parsed again only when its stat changes. The tools rewrite in place (open "w", then write), so a read can land
// between the two: a file that is empty or does not parse within SETTLE_MS of its last write is taken as being
// written, the last good value is kept, and the next refresh parses it again even if its stat is unchanged. Later
// than that it is broken: reported, with the last good value kept.

export type ParseResult<T> = { value: T } | { problem: { line?: number; message: string } };

const SETTLE_MS = 2_000;

export class RewrittenFile<T> {
  readonly problems: FileProblems;
  value?: T;
  /** The stat of the version parsed last; undefined while the file is missing. */
  stamp?: { ino: number; size: number; mtimeMs: number };
  /** When the file was created (its mtime where the file system keeps no birth time). */
  birthMs?: number;

  /** The last parse looked like a rewrite in progress: parse again next time. */
  private settling = false;

  constructor(
    readonly file: string,
    private readonly parse: (text: string) => ParseResult<T>,
    private readonly now: () => number = Date.now,
  ) {
    this.problems = new FileProblems(file);
  }

  /** Stats the file and parses it if it changed; false if it did not. `known`: a stat the caller already made. */
  async refresh(known?: Stats): Promise<boolean> {
    let st: Stats;
    try {
      // A stat is microseconds synchronously, and a read stats every file of every run (see syncFs).
      st = known ?? statSync(this.file);
    } catch (err) {
      const had = this.stamp !== undefined || this.problems.list().length > 0;
      this.stamp = undefined;
      this.value = undefined;
      this.problems.clear();
      if (!isNotFound(err)) this.problems.add(ioProblem(this.file, err, 'this file').message, undefined, 'error');
      return had || !isNotFound(err);
    }
    const s = this.stamp;
    if (s && s.ino === st.ino && s.size === st.size && s.mtimeMs === st.mtimeMs && !this.settling) return false;
    this.stamp = { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
    this.birthMs = st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
    this.problems.clear();
    let text: string;
    try {
      // Small (as these files are): one synchronous read, microseconds, where a promise read waits on the thread pool.
      text = (st.size <= SMALL_FILE ? readSmallFile(this.file)?.toString('utf8') : undefined) ?? (await readFile(this.file, 'utf8'));
    } catch (err) {
      this.problems.add(ioProblem(this.file, err, 'this file').message, undefined, 'error');
      return true;
    }
    const r = this.parse(text);
    this.settling = ('problem' in r || text.trim() === '') && this.now() - st.mtimeMs < SETTLE_MS;
    if (this.settling) return false;
    if ('problem' in r) {
      this.problems.add(`${r.problem.message}${this.value !== undefined ? ' The last good version is shown.' : ''}`, r.problem.line, 'error');
    } else {
      this.value = r.value;
    }
    return true;
  }
}
