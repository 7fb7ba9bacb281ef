"""Asks real DVC about a repository, for test/interop/dvcStatus.interop.mjs.

    python dvcStages.py REPO [CWD] [--stages-only]

Prints one JSON object: "status" is exactly what `dvc status --json` writes (run in CWD, default REPO; left out
with --stages-only), and "stages" lists every stage as DVC loaded it (foreach/matrix expanded), in DVC's own order,
so that our status can be computed from the same stages and compared byte for byte.
"""

import json
import os
import subprocess
import sys

from dvc.dependency import ParamsDependency
from dvc.repo import Repo
from dvc.stage import PipelineStage


def out_kind(out):
    if out.metric:
        return "metrics"
    if out.plot:
        return "plots"
    return "outs"


def describe(stage):
    d = {"address": stage.addressing, "file": os.path.abspath(stage.path)}
    if not isinstance(stage, PipelineStage):
        d["kind"] = "dvcfile"
        return d
    d.update(
        kind="pipeline",
        name=stage.name,
        wdir=os.path.abspath(stage.wdir),
        cmd=stage.cmd,
        frozen=bool(stage.frozen),
        always_changed=bool(stage.always_changed),
        deps=[dep.def_path for dep in stage.deps if not isinstance(dep, ParamsDependency)],
        params=[{"file": dep.def_path, "keys": list(dep.params)} for dep in stage.params],
        outs=[
            {"path": out.def_path, "kind": out_kind(out), "cache": bool(out.use_cache), "persist": bool(out.persist)}
            for out in stage.outs
        ],
    )
    return d


def run():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    repo_dir = os.path.abspath(args[0])
    cwd = os.path.abspath(args[1]) if len(args) > 1 else repo_dir
    result = {}
    if "--stages-only" not in sys.argv:
        # The real command line, in its own process: its stdout is the reference, byte for byte.
        cmd = [sys.executable, "-m", "dvc", "status", "--json"]
        res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"dvc status --json exited {res.returncode}: {res.stderr.strip()}")
        result["status"] = res.stdout.rstrip("\n")
    os.chdir(cwd)
    with Repo(repo_dir) as repo:
        result["stages"] = [describe(s) for s in repo.index.stages]
    print(json.dumps(result))


run()
