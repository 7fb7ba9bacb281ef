// dvclive folders and Lightning CSVLogger logs: a cold readAll against pandas.read_csv of the same files (the way
// users load them), and the cost the catalog pays at each file event while a run trains (a warm readAll after one
// row was appended) against reading everything again with a fresh reader.
//
// Sizes (x BENCH_SCALE, minimums in brackets): Lightning 100 versions [5] x 2,000 rows, 8 sparse columns;
// dvclive 20 metrics x 20,000 steps [2,000].
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const COLUMNS = ['epoch', 'lr-Adam', 'step', 'train_acc', 'train_loss_epoch', 'train_loss_step', 'val_acc', 'val_loss'];

function writeLightning(root, versions, rows) {
  for (let v = 0; v < versions; v++) {
    const dir = path.join(root, `version_${v}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'hparams.yaml'), `lr: 0.001\nbatch_size: 32\nmodel:\n  hidden: 128\n  layers: 4\nseed: ${v}\n`);
    const lines = [COLUMNS.join(',')];
    for (let i = 0; i < rows; i++) {
      const epoch = Math.floor(i / 100);
      // Lightning's sparsity: step rows carry the step loss; every 100th row the epoch metrics.
      if (i % 100 === 99) lines.push(`${epoch},,${i},${(0.5 + i / rows / 2).toFixed(6)},${(1 / (i + 1)).toFixed(8)},,${Math.random().toFixed(6)},${Math.random().toFixed(6)}`);
      else lines.push(`${epoch},${i % 100 === 0 ? '0.001' : ''},${i},,,${(1 / (i + 1) + Math.random() / 100).toFixed(10)},,`);
    }
    writeFileSync(path.join(dir, 'metrics.csv'), lines.join('\r\n') + '\r\n');
  }
}

function writeDvclive(dir, metrics, steps) {
  for (let m = 0; m < metrics; m++) {
    const file = path.join(dir, 'plots', 'metrics', m % 2 ? 'train' : 'eval', `m${m}.tsv`);
    mkdirSync(path.dirname(file), { recursive: true });
    const lines = [`timestamp\tstep\tm${m}`];
    for (let s = 0; s < steps; s++) lines.push(`${1764144000000 + s * 1000}\t${s}\t${Math.random()}`);
    writeFileSync(file, lines.join('\n') + '\n');
  }
  writeFileSync(path.join(dir, 'params.yaml'), 'lr: 0.001\nepochs: 10\n');
  writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ step: steps - 1 }, null, 4) + '\n');
}

async function timed(fn, repeat = 1) {
  const times = [];
  let result;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], result };
}

function pandasPython(repo, py) {
  for (const python of [process.env.BENCH_LOGS_PYTHON, py?.python, path.join(repo, '.venv', 'bin', 'python')].filter(Boolean)) {
    try {
      execFileSync(python, ['-c', 'import pandas, yaml'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** pandas.read_csv of every metrics.csv + yaml.safe_load of every hparams.yaml, timed inside Python. */
function pandasBaseline(python, root) {
  const script = [
    'import glob, json, sys, time, pandas, yaml',
    't = time.perf_counter()',
    'n = 0',
    "for d in sorted(glob.glob(sys.argv[1] + '/version_*')):",
    "    n += len(pandas.read_csv(d + '/metrics.csv'))",
    "    yaml.safe_load(open(d + '/hparams.yaml'))",
    "print(json.dumps({'ms': (time.perf_counter() - t) * 1000, 'rows': n}))",
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', script, root]).toString().trim().split('\n').pop());
}

export async function run({ row, log, attempt, scale, repo, build, work, py, notMeasured }) {
  const lightningJs = path.join(build, 'src/core/lightning/lightningCsvReader.js');
  const dvcliveJs = path.join(build, 'src/core/dvclive/dvcliveReader.js');
  if (!existsSync(lightningJs) || !existsSync(dvcliveJs)) {
    row('Lightning / dvclive readers', { ours: notMeasured('readers not compiled'), unit: 'ms', goal: '', ok: false });
    return;
  }
  const { LightningCsvReader } = await import(pathToFileURL(lightningJs).href);
  const { DvcliveReader } = await import(pathToFileURL(dvcliveJs).href);
  const { logFolderStoreRef } = await import(pathToFileURL(path.join(build, 'src/core/runs/logFolderRuns.js')).href);

  const versions = Math.max(5, Math.round(100 * scale));
  const rows = 2000;
  const root = path.join(work, 'lightning_logs');
  log(`logs: writing ${versions} Lightning versions x ${rows} rows`);
  writeLightning(root, versions, rows);
  const ref = logFolderStoreRef('lightning-csv', root);

  const cold = await attempt('lightning cold', () => timed(() => new LightningCsvReader(ref).readAll(), 3));
  const python = pandasPython(repo, py);
  const base = python ? await attempt('pandas', () => pandasBaseline(python, root)) : { error: 'no Python with pandas and PyYAML (set BENCH_LOGS_PYTHON)' };
  row(`Lightning CSVLogger, cold readAll (${versions} versions x ${rows} rows, ${COLUMNS.length} sparse columns)`, {
    ours: cold.ms ?? notMeasured(cold.error), baseline: base.ms ?? notMeasured(base.error), unit: 'ms', goal: 'no slower than pandas.read_csv',
    ok: typeof cold.ms === 'number' && typeof base.ms === 'number' && cold.ms <= base.ms,
    note: `median of 3 fresh readers; baseline: pandas.read_csv + yaml.safe_load of the same files, timed inside Python after its imports (${base.rows ?? '?'} rows)`,
  });

  const warm = new LightningCsvReader(ref);
  await warm.readAll();
  let step = rows;
  const append = () => appendFileSync(path.join(root, 'version_0', 'metrics.csv'), `20,,${step++},,,0.001,,\r\n`);
  const inc = await attempt('lightning warm', () => timed(async () => (append(), warm.readAll()), 15));
  const fresh = await attempt('lightning fresh', () => timed(async () => (append(), new LightningCsvReader(ref).readAll()), 3));
  row(`Lightning CSVLogger, readAll after one row was appended (same ${versions} versions)`, {
    ours: inc.ms ?? notMeasured(inc.error), baseline: fresh.ms ?? notMeasured(fresh.error), unit: 'ms', goal: '≤ 50 ms and ≥ 5x faster than reading all again',
    ok: typeof inc.ms === 'number' && inc.ms <= 50 && fresh.ms / inc.ms >= 5,
    note: 'median of 15; baseline: a fresh reader (everything parsed again), median of 3',
  });

  const metrics = 20;
  const steps = Math.max(2000, Math.round(20000 * scale));
  const dv = path.join(work, 'dvclive');
  log(`logs: writing a dvclive folder, ${metrics} metrics x ${steps} steps`);
  writeDvclive(dv, metrics, steps);
  const dvRef = logFolderStoreRef('dvclive', dv);
  const dvCold = await attempt('dvclive cold', () => timed(() => new DvcliveReader(dvRef).readAll(), 3));
  const dvWarm = new DvcliveReader(dvRef);
  await dvWarm.readAll();
  let s = steps;
  const dvAppend = () => {
    appendFileSync(path.join(dv, 'plots', 'metrics', 'train', 'm1.tsv'), `${1764144000000 + s * 1000}\t${s}\t0.5\n`);
    writeFileSync(path.join(dv, 'metrics.json'), JSON.stringify({ train: { m1: 0.5 }, step: s++ }, null, 4) + '\n');
  };
  const dvInc = await attempt('dvclive warm', () => timed(async () => (dvAppend(), dvWarm.readAll()), 15));
  row(`dvclive, readAll after a step (one .tsv row + metrics.json), ${metrics} metrics x ${steps.toLocaleString('en-US')} steps`, {
    ours: dvInc.ms ?? notMeasured(dvInc.error), baseline: dvCold.ms ?? notMeasured(dvCold.error), unit: 'ms', goal: '≤ 20 ms and ≥ 5x faster than reading all again',
    ok: typeof dvInc.ms === 'number' && dvInc.ms <= 20 && dvCold.ms / dvInc.ms >= 5,
    note: 'median of 15; baseline: a fresh reader (cold readAll of the folder), median of 3',
  });
}
