import * as path from 'node:path';
import { FileProblems } from '../runs/logFolderRuns';
import { PointColumns } from '../runs/pointColumns';
import type { DelimitedRecord } from '../text/delimitedRecords';
import { parsePythonNumber } from '../text/pythonNumber';
import { tableUnchanged, tailTable, type FileStamp, type TableCursor, type TableSink } from '../text/tailedTable';

// One dvclive metric history, `plots/metrics/<name>.tsv` (dvclive/plots/metric.py `Metric.dump`): a header, then
// one row per log_metric call, appended. Columns `timestamp` (only with log_metric(timestamp=True): epoch ms),
// `step` (the Live step) and the value, named after the last part of the metric's name. NaN and infinities are
// written as `nan`, `inf`, `-inf`; a str metric as its text (not a number: skipped, with a warning).

export class DvcliveMetricFile implements TableSink {
  readonly series = new PointColumns();
  readonly problems: FileProblems;
  /** The file's mtime: the time of points written without a timestamp. */
  mtimeMs = 0;
  /** Earliest `timestamp` cell, if the file has them. */
  firstTimestamp?: number;
  private cursor?: TableCursor;
  private columns?: { step: number; value: number; timestamp: number; width: number };
  private nonNumeric = false;

  constructor(readonly file: string) {
    this.problems = new FileProblems(file);
  }

  /** Reads what changed since the last call; false if nothing did. */
  async refresh(st: FileStamp, signal?: AbortSignal): Promise<boolean> {
    if (tableUnchanged(this.cursor, st)) return false;
    this.cursor = await tailTable(this.file, '\t', this.cursor, st, this, { signal });
    this.mtimeMs = Math.floor(st.mtimeMs);
    return true;
  }

  restart(): void {
    this.series.clear();
    this.problems.clear();
    this.columns = undefined;
    this.firstTimestamp = undefined;
    this.nonNumeric = false;
  }

  header(cells: string[], line: number): void {
    const step = cells.indexOf('step');
    const timestamp = cells.indexOf('timestamp');
    const own = path.basename(this.file, '.tsv');
    let value = cells.indexOf(own);
    if (value === -1) {
      const others = cells.map((_, i) => i).filter((i) => i !== step && i !== timestamp);
      if (others.length === 1) value = others[0];
    }
    if (step === -1 || value === -1 || value === step) {
      this.problems.add(
        `Expected dvclive's header "timestamp<TAB>step<TAB>${own}" (timestamp optional); found "${cells.join('\\t')}". The file was not read.`,
        line,
        'error',
      );
      return;
    }
    this.columns = { step, value, timestamp, width: cells.length };
  }

  rows(records: DelimitedRecord[]): void {
    const cols = this.columns;
    if (!cols) return;
    for (const { line, cells } of records) {
      if (cells.length !== cols.width) {
        this.problems.add(`Line ${line} has ${cells.length} columns where the header has ${cols.width}; the line was skipped.`, line);
        continue;
      }
      const step = parsePythonNumber(cells[cols.step]);
      if (step === undefined || !Number.isFinite(step)) {
        this.problems.add(`Line ${line}: step "${cells[cols.step]}" is not a number; the line was skipped.`, line);
        continue;
      }
      let timestamp = NaN;
      if (cols.timestamp !== -1) {
        const t = parsePythonNumber(cells[cols.timestamp]);
        if (t === undefined || !Number.isFinite(t)) {
          this.problems.add(`Line ${line}: timestamp "${cells[cols.timestamp]}" is not a number; the line was skipped.`, line);
          continue;
        }
        timestamp = t;
        if (this.firstTimestamp === undefined || t < this.firstTimestamp) this.firstTimestamp = t;
      }
      const value = parsePythonNumber(cells[cols.value]);
      if (value === undefined) {
        // dvclive logs str metrics too; they can't be charted. Said once per file, not per line.
        if (!this.nonNumeric) this.problems.add(`Line ${line}: value "${cells[cols.value]}" is not a number; such lines are skipped.`, line);
        this.nonNumeric = true;
        continue;
      }
      this.series.push(step, timestamp, value);
    }
  }

  /** The common row, read straight from the bytes (tailTable's fast path): the same point `rows` would keep. */
  numericRow(values: Float64Array, present: Uint8Array): boolean {
    const cols = this.columns;
    if (!cols) return true; // no usable header: `rows` keeps nothing either
    // A cell missing, or too big for a double: `rows` says what is wrong.
    if (present[cols.step] === 0 || !Number.isFinite(values[cols.step]) || present[cols.value] === 0) return false;
    let timestamp = NaN;
    if (cols.timestamp !== -1) {
      if (present[cols.timestamp] === 0 || !Number.isFinite(values[cols.timestamp])) return false;
      timestamp = values[cols.timestamp];
      if (this.firstTimestamp === undefined || timestamp < this.firstTimestamp) this.firstTimestamp = timestamp;
    }
    this.series.push(values[cols.step], timestamp, values[cols.value]);
    return true;
  }
}
