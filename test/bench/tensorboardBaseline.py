"""Baseline for the TensorBoard parse-speed benchmark: TensorBoard's own Python loader on the same kind of file.

    python tensorboardBaseline.py LOGDIR

Loads LOGDIR with plugin_event_multiplexer.EventMultiplexer (what `tensorboard --logdir LOGDIR --load_fast=false`
runs, keeping every point: size guidance 0), then turns every scalar tensor into a number with
tensor_util.make_ndarray(...).item(), as the scalars plugin does when asked for the data. Without TensorFlow
installed, TensorBoard frames and checksums records in pure Python (compat/tensorflow_stub). Prints one JSON line.
"""

import json
import os
import resource
import sys
import time


def main():
    logdir = sys.argv[1]
    t0 = time.perf_counter()
    import tensorboard
    from tensorboard.backend.event_processing import plugin_event_multiplexer
    from tensorboard.util import tensor_util

    import_seconds = time.perf_counter() - t0
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(logdir) for f in fs if "tfevents" in f)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t1 = time.perf_counter()
    mux = plugin_event_multiplexer.EventMultiplexer(size_guidance={"tensors": 0}, tensor_size_guidance={"scalars": 0})
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    points = 0
    for run, tags in mux.PluginRunToTagToContent("scalars").items():
        for tag in tags:
            for e in mux.Tensors(run, tag):
                tensor_util.make_ndarray(e.tensor_proto).item()
                points += 1
    seconds = time.perf_counter() - t1
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "seconds": seconds,
        "cpuSeconds": (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        "bytes": size,
        "mbPerSecond": size / 2 ** 20 / seconds,
        "points": points,
        "importSeconds": import_seconds,
        "tensorboardVersion": tensorboard.__version__,
    }))


if __name__ == "__main__":
    main()
