// Interop test: our dvclive reader following a real dvclive run while it trains.
//
//   node test/interop/dvclive.interop.mjs     (needs .venv with dvclive (requirements-dev.txt), and out/ from `tsc -p .`)
//
// A Python script logs params and 120 steps with real dvclive (metrics in sub-folders, one with timestamps, a NaN)
// into a temporary folder outside any Git repo, a few milliseconds apart. Meanwhile one DvcliveReader reads the
// folder again and again, as the extension does on file events. Checks: no problem is ever reported while dvclive
// rewrites its files, the latest step never goes back, the run is RUNNING while it trains; afterwards every history
// equals what Python's csv module reads from the .tsv files (dvclive's own parse_tsv), the latest values match
// metrics.json, and the live reader agrees with a fresh one.
// Closes with `interop: N passed, M failed` and exits 1 on any failure. Env DVCLIVE_PYTHON overrides the
// interpreter, DVCLIVE_BUILD the folder of the compiled sources (default out/).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { interopChecks, repoRoot as root } from './lib/interopKit.mjs';

const python = process.env.DVCLIVE_PYTHON ?? path.join(root, '.venv/bin/python');
const build = path.resolve(process.env.DVCLIVE_BUILD ?? path.join(root, 'out'));
const STEPS = 120;

const { check, finish } = interopChecks({ maxProblems: 20 });
const TRAIN = `
import math, time
from dvclive import Live
with Live(dir="dvclive", save_dvc_exp=False) as live:
    live.log_params({"lr": 0.001, "model": {"depth": 4, "widths": [8, 4]}, "augment": False})
    for i in range(${STEPS}):
        live.log_metric("train/loss", 1.0 / (i + 1))
        live.log_metric("eval/acc", i / ${STEPS}, timestamp=True)
        live.log_metric("grad_norm", float("nan") if i == 7 else 2.0 - i / 100)
        live.next_step()
        time.sleep(0.004)
`;

// dvclive's utils.parse_tsv (csv.DictReader, tab) on every history, and metrics.json as json.load reads it.
const READ_BACK = `
import csv, json, math, sys
from pathlib import Path
d = Path(sys.argv[1])
out = {"histories": {}, "summary": json.loads((d / "metrics.json").read_text())}
for f in sorted((d / "plots" / "metrics").rglob("*.tsv")):
    key = f.relative_to(d / "plots" / "metrics").with_suffix("").as_posix()
    with open(f, encoding="utf-8", newline="") as fd:
        rows = list(csv.DictReader(fd, delimiter="\\t"))
    out["histories"][key] = [[int(r["step"]), int(r["timestamp"]) if "timestamp" in r else None, r[f.stem]] for r in rows]
print(json.dumps(out))
`;

async function main() {
  const require = createRequire(import.meta.url);
  let DvcliveReader;
  let dvcliveStoreRef;
  try {
    ({ DvcliveReader } = require(path.join(build, 'src/core/dvclive/dvcliveReader.js')));
    ({ dvcliveStoreRef } = require(path.join(build, 'src/core/dvclive/dvcliveStore.js')));
  } catch (e) {
    check('compiled dvclive reader is present (run `npx tsc -p .` first)', [String(e.message)]);
    return finish();
  }
  try {
    execFileSync(python, ['-c', 'import dvclive'], { stdio: 'ignore' });
  } catch {
    check(`dvclive is importable from ${python} (pip install -r requirements-dev.txt)`, ['import dvclive failed']);
    return finish();
  }

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlops-dvclive-interop-'));
  try {
    writeFileSync(path.join(tmp, 'train.py'), TRAIN);
    const dir = path.join(tmp, 'dvclive');
    const reader = new DvcliveReader(dvcliveStoreRef(dir));
    const child = spawn(python, ['train.py'], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DVC_NO_ANALYTICS: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let exited = false;
    const done = new Promise((resolve) => child.on('close', (code) => ((exited = true), resolve(code))));

    const liveProblems = [];
    const regressions = [];
    let reads = 0;
    let runningSeen = 0;
    let lastStep = -1;
    while (!exited) {
      await new Promise((r) => setTimeout(r, 3));
      let snap;
      try {
        snap = await reader.readAll();
      } catch (e) {
        if (/can't be read/.test(String(e.message))) continue; // the folder is not created yet
        throw e;
      }
      reads++;
      for (const p of snap.problems) liveProblems.push(`read ${reads}: ${p.file}:${p.line ?? ''} ${p.message}`);
      const run = snap.runs[0];
      if (run.status === 'RUNNING') runningSeen++;
      const step = run.metrics['train/loss']?.step ?? -1;
      if (step < lastStep) regressions.push(`read ${reads}: train/loss step went from ${lastStep} back to ${step}`);
      lastStep = Math.max(lastStep, step);
    }
    const code = await done;
    check('the dvclive script ran', code === 0 ? [] : [`exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`]);
    check(`no problem reported in ${reads} reads while dvclive wrote`, liveProblems);
    check('the latest step never went back between reads', regressions);
    check('the run read as RUNNING while it trained', runningSeen > 0 && reads > 10 ? [] : [`RUNNING in ${runningSeen} of ${reads} reads`]);

    const final = await reader.readAll();
    const run = final.runs[0];
    const theirs = JSON.parse(execFileSync(python, ['-c', READ_BACK, dir], { encoding: 'utf8' }));
    const historyProblems = [];
    for (const [key, rows] of Object.entries(theirs.histories)) {
      const ours = await reader.metricHistory(run.runId, key);
      const mtime = Math.floor((await import('node:fs')).statSync(path.join(dir, 'plots', 'metrics', `${key}.tsv`)).mtimeMs);
      if (ours.length !== rows.length) historyProblems.push(`${key}: ${ours.length} points, Python read ${rows.length}`);
      rows.forEach(([step, ts, text], i) => {
        const p = ours[i];
        const value = Number(text === 'nan' ? NaN : text);
        const same = p && p.step === step && p.timestamp === (ts ?? mtime) && (Object.is(p.value, value) || (Number.isNaN(p.value) && Number.isNaN(value)));
        if (!same) historyProblems.push(`${key}[${i}]: ours ${JSON.stringify(p)}, Python step ${step} ts ${ts} value ${text}`);
      });
    }
    check(`every history equals Python's csv reading (${Object.keys(theirs.histories).join(', ')})`, historyProblems);

    const s = theirs.summary;
    const latestProblems = [];
    if (run.metrics['train/loss']?.value !== s.train.loss) latestProblems.push(`train/loss ${run.metrics['train/loss']?.value} vs metrics.json ${s.train.loss}`);
    if (run.metrics['eval/acc']?.value !== s.eval.acc) latestProblems.push(`eval/acc ${run.metrics['eval/acc']?.value} vs ${s.eval.acc}`);
    if (run.metrics['train/loss']?.step !== s.step) latestProblems.push(`step ${run.metrics['train/loss']?.step} vs metrics.json step ${s.step}`);
    if (run.params.lr !== '0.001' || run.params['model.widths'] !== '[8,4]' || run.params.augment !== 'false') latestProblems.push(`params ${JSON.stringify(run.params)}`);
    check('latest values and params match metrics.json and params.yaml', latestProblems);

    const fresh = await new DvcliveReader(dvcliveStoreRef(dir)).readAll();
    check('the reader that followed the run agrees with a fresh reader', JSON.stringify(fresh) === JSON.stringify(final) ? [] : ['snapshots differ']);
    const later = await new DvcliveReader(dvcliveStoreRef(dir), { now: () => Date.now() + 61_000 }).readAll();
    check('the run is FINISHED once its files have been still for 60 s', later.runs[0].status === 'FINISHED' && later.runs[0].endTime !== null ? [] : [later.runs[0].status]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  finish();
}

main().catch((e) => {
  check('interop run', [String(e?.stack ?? e)]);
  finish();
});
