import { FileProblems } from '../runs/logFolderRuns';
import { PointColumns } from '../runs/pointColumns';
import type { DelimitedRecord } from '../text/delimitedRecords';
import { parsePythonNumber } from '../text/pythonNumber';
import { tableUnchanged, tailTable, type FileStamp, type TableCursor, type TableSink } from '../text/tailedTable';

// Lightning's metrics.csv (lightning/fabric/loggers/csv_logs.py `_ExperimentWriter.save`): a header of every key
// logged so far, sorted, with `step` among them, then one row per log_metrics call with empty cells for keys not
// logged in it. Rows are appended every `flush_logs_every_n_steps` (100) steps and at the end; when a new key
// appears the whole file is rewritten under a wider header (tailTable notices and reads it again).
//
// Every non-empty cell is a point at the row's `step`. `epoch` is a metric like the others: the Trainer adds it
// to every logged dict (logger_connector.py: `scalar_metrics.setdefault("epoch", ...)`), so Lightning's own
// MLFlowLogger logs it as a metric too. The file holds no times: points get the file's mtime (PointColumns).

const STEP = 'step';
/** How long a file that shrank is taken as being rewritten. */
const REWRITE_MS = 2_000;

export class MetricsCsv implements TableSink {
  readonly series = new Map<string, PointColumns>();
  readonly problems: FileProblems;
  mtimeMs = 0;
  private cursor?: TableCursor;
  private columns: string[] = [];
  /** The series of each column, by index: no map lookup per cell. */
  private columnSeries: Array<PointColumns | undefined> = [];
  private stepAt = -1;
  /** Data rows seen: the step of a row when the file has no step column (Lightning's own default). */
  private rowCount = 0;
  private badColumns = new Set<string>();

  constructor(readonly file: string) {
    this.problems = new FileProblems(file);
  }

  /** Reads what changed since the last call; false if nothing did. `now`: the clock, for tests. */
  async refresh(st: FileStamp, signal?: AbortSignal, now = Date.now()): Promise<boolean> {
    if (tableUnchanged(this.cursor, st)) return false;
    // Shorter than what was read, same file, just written: Lightning is rewriting it under a wider header (open "w",
    // then every row again). Keep the rows read so far rather than show a run without metrics; the end of the
    // rewrite changes the file again.
    if (this.cursor && st.ino === this.cursor.ino && st.size < this.cursor.offset && now - st.mtimeMs < REWRITE_MS) return false;
    this.cursor = await tailTable(this.file, ',', this.cursor, st, this, { signal });
    this.mtimeMs = Math.floor(st.mtimeMs);
    return true;
  }

  /** The file is gone: drop what was read, so a new one is read from its start. */
  forget(): void {
    this.cursor = undefined;
    this.restart();
  }

  restart(): void {
    this.series.clear();
    this.problems.clear();
    this.columns = [];
    this.columnSeries = [];
    this.stepAt = -1;
    this.rowCount = 0;
    this.badColumns.clear();
  }

  header(cells: string[], line: number): void {
    this.columns = cells;
    this.columnSeries = cells.map((key) => this.series.get(key));
    this.stepAt = cells.indexOf(STEP);
    if (this.stepAt === -1) {
      this.problems.add('The header has no "step" column (Lightning always writes one); rows are numbered from 0 as steps instead.', line);
    }
  }

  rows(records: DelimitedRecord[]): void {
    const width = this.columns.length;
    for (const { line, cells } of records) {
      if (cells.length !== width) {
        this.problems.add(`Line ${line} has ${cells.length} cells where the header has ${width}; the line was skipped.`, line);
        continue;
      }
      let step = this.rowCount;
      if (this.stepAt !== -1) {
        const s = parsePythonNumber(cells[this.stepAt]);
        if (s === undefined || !Number.isFinite(s)) {
          this.problems.add(`Line ${line}: step "${cells[this.stepAt]}" is not a number; the line was skipped.`, line);
          continue;
        }
        step = s;
      }
      this.rowCount++;
      for (let j = 0; j < width; j++) {
        if (j === this.stepAt || cells[j] === '') continue;
        const key = this.columns[j];
        const value = parsePythonNumber(cells[j]);
        if (value === undefined) {
          // Once per column: a column of text would otherwise fill the problem list.
          if (!this.badColumns.has(key)) this.problems.add(`Line ${line}: "${key}" holds "${cells[j]}", not a number; such cells are skipped.`, line);
          this.badColumns.add(key);
          continue;
        }
        this.seriesAt(j).push(step, NaN, value);
      }
    }
  }

  /** The common row, read straight from the bytes (tailTable's fast path): the same points as `rows` would keep. */
  numericRow(values: Float64Array, present: Uint8Array): boolean {
    let step = this.rowCount;
    if (this.stepAt !== -1) {
      // No step, or one too big for a double: `rows` says so.
      if (present[this.stepAt] === 0 || !Number.isFinite(values[this.stepAt])) return false;
      step = values[this.stepAt];
    }
    this.rowCount++;
    for (let j = 0; j < values.length; j++) {
      if (j !== this.stepAt && present[j] === 1) this.seriesAt(j).push(step, NaN, values[j]);
    }
    return true;
  }

  private seriesAt(j: number): PointColumns {
    let s = this.columnSeries[j];
    if (!s) {
      s = new PointColumns();
      this.series.set(this.columns[j], s);
      this.columnSeries[j] = s;
    }
    return s;
  }
}
