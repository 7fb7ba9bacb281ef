// Reads just enough of the MLflow file stores in a workspace copy for the UI test to pick a run and change it,
// the way a training script would: appending "<epoch ms> <value> <step>" to a metric file.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const field = (yaml, key) => {
  const m = new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(yaml);
  return m ? m[1].trim().replace(/^(['"])(.*)\1$/, '$2') : undefined;
};

/** Every mlruns/ directory up to `depth` levels below `root` (skipping dot-dirs and node_modules). */
function findMlrunsDirs(root, depth = 4) {
  const found = [];
  const walk = (dir, d) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = path.join(dir, e.name);
      if (e.name === 'mlruns') found.push(full);
      else if (d > 0) walk(full, d - 1);
    }
  };
  walk(root, depth);
  return found;
}

/** Metric keys of a run dir (keys with '/' are nested files). */
function metricKeys(metricsDir, prefix = '') {
  if (!fs.existsSync(metricsDir)) return [];
  return fs.readdirSync(metricsDir, { withFileTypes: true }).flatMap((e) => e.isDirectory()
    ? metricKeys(path.join(metricsDir, e.name), `${prefix}${e.name}/`)
    : [`${prefix}${e.name}`]);
}

/** Active runs of all file stores: { experimentName, runName, runDir, metrics }. */
function findFileStoreRuns(workspace) {
  const runs = [];
  for (const mlruns of findMlrunsDirs(workspace)) {
    for (const exp of fs.readdirSync(mlruns, { withFileTypes: true })) {
      const expMeta = path.join(mlruns, exp.name, 'meta.yaml');
      if (!exp.isDirectory() || exp.name.startsWith('.') || exp.name === 'models' || !fs.existsSync(expMeta)) continue;
      const expYaml = fs.readFileSync(expMeta, 'utf8');
      if (field(expYaml, 'lifecycle_stage') === 'deleted') continue;
      for (const run of fs.readdirSync(path.join(mlruns, exp.name), { withFileTypes: true })) {
        const runDir = path.join(mlruns, exp.name, run.name);
        const runMeta = path.join(runDir, 'meta.yaml');
        if (!run.isDirectory() || !fs.existsSync(runMeta)) continue;
        const yaml = fs.readFileSync(runMeta, 'utf8');
        if (field(yaml, 'lifecycle_stage') === 'deleted') continue;
        const tagName = path.join(runDir, 'tags/mlflow.runName');
        const runName = field(yaml, 'run_name') || (fs.existsSync(tagName) ? fs.readFileSync(tagName, 'utf8') : run.name);
        runs.push({ experimentName: field(expYaml, 'name'), runName, runDir, metrics: metricKeys(path.join(runDir, 'metrics')) });
      }
    }
  }
  return runs;
}

/** Appends one point with a step above every existing one, so it becomes the metric's latest value. */
function appendMetricPoint(run, key, value) {
  const file = path.join(run.runDir, 'metrics', ...key.split('/'));
  const text = fs.readFileSync(file, 'utf8');
  const steps = text.split('\n').filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[2] ?? 0));
  const step = Math.max(0, ...steps.filter(Number.isFinite)) + 1;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  fs.appendFileSync(file, `${sep}${Date.now()} ${value} ${step}\n`);
  return { file, step };
}

module.exports = { findFileStoreRuns, appendMetricPoint };
