"""PyTorch twins of convlab's presets, the comparison rows of `npm run bench`.

Prints one JSON object: train and inference img/s of seed-cnn and of cnn-plus (v2: the same layers,
batch norm, batch size and optimizer as convlab's), with 1 and 2 threads, plus which BLAS library and
OpenBLAS core kernel actually ran.

`pytorch_twins.py --rounds <preset> <train|inference> <threads>` is one side of a paired comparison
(bench/paired.ts): it builds the model once, prints READY, then times one round (at least 2 steps and
ROUND_SECONDS) for every line read on stdin and answers `ROUND {"imagesPerSecond": x}`. The bench starts this script with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed from its environment (they force an older, slower OpenBLAS kernel).
"""
import ctypes
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def seed_cnn():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 512), nn.ReLU(), nn.Linear(512, 10),
    )


def cnn_plus():
    """cnn-plus v2: frozen 2x2 whitening conv (24), ReLU, 3 x (conv, pool, BN, ReLU, conv, BN, ReLU), max pool, linear."""
    def block(cin, cout):
        return [
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(cout, momentum=0.1, eps=1e-5), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, momentum=0.1, eps=1e-5), nn.ReLU(),
        ]
    whiten = nn.Conv2d(3, 24, 2, padding=0, bias=False)
    whiten.weight.requires_grad_(False)
    return nn.Sequential(
        whiten, nn.ReLU(), *block(24, 32), *block(32, 64), *block(64, 64),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(64, 10, bias=False),
    )


PRESETS = {
    # name: (model, batch, optimizer, label smoothing)
    "seed-cnn": (seed_cnn, 128, lambda p: torch.optim.Adam(p, lr=1e-3), 0.0),
    "cnn-plus": (cnn_plus, 256, lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.9, nesterov=True, weight_decay=5e-4), 0.2),
}


def steps_for(preset, threads):
    """The preset's model at its batch size, and its train and inference steps."""
    build, batch, make_optimizer, smoothing = PRESETS[preset]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build()
    opt = make_optimizer([p for p in model.parameters() if p.requires_grad])
    x = torch.rand(batch, 3, 32, 32)
    y = torch.randint(0, 10, (batch,))

    def train_step():
        model.train()
        opt.zero_grad()
        F.cross_entropy(model(x), y, label_smoothing=smoothing).backward()
        opt.step()

    def infer_step():
        model.eval()
        with torch.no_grad():
            model(x)

    return batch, {"train": train_step, "inference": infer_step}


ROUND_SECONDS = 3.0


def serve_rounds(preset, phase, threads):
    batch, steps = steps_for(preset, threads)
    step = steps[phase]
    step()
    print("READY", flush=True)
    for _ in sys.stdin:
        count, start = 0, time.perf_counter()
        while count < 2 or time.perf_counter() - start < ROUND_SECONDS:
            step()
            count += 1
        rate = batch * count / (time.perf_counter() - start)
        print("ROUND " + json.dumps({"imagesPerSecond": rate}), flush=True)


def measure(preset, threads, min_seconds=3.0):
    batch, steps = steps_for(preset, threads)
    out = {}
    for name, step in steps.items():
        for _ in range(2):
            step()
        count, start = 0, time.perf_counter()
        while count < 5 or time.perf_counter() - start < min_seconds:
            step()
            count += 1
        out[name] = round(batch * count / (time.perf_counter() - start), 1)
    return out


def loaded_blas():
    """Paths of the BLAS libraries mapped into this process (Debian's torch uses the system libblas)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line and "/" in line}
    return sorted(paths)


def openblas_core(paths):
    """The kernel OpenBLAS picked for this processor (openblas_get_corename), or None without OpenBLAS."""
    for path in paths:
        if "openblas" not in path:
            continue
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return None


torch.set_num_interop_threads(1)
if sys.argv[1:2] == ["--rounds"]:
    serve_rounds(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    sys.exit(0)
results = {}
for preset in sys.argv[1:] or PRESETS:
    one, two = measure(preset, 1), measure(preset, 2)
    results[preset] = {
        "batch": PRESETS[preset][1],
        "train1Thread": one["train"], "inference1Thread": one["inference"],
        "train2Threads": two["train"], "inference2Threads": two["inference"],
    }
blas = loaded_blas()
print(json.dumps({
    "torch": torch.__version__,
    "blas": [path.split("/")[-1] for path in blas],
    "openblasCore": openblas_core(blas),
    "presets": results,
}))
