"""seed-cnn in PyTorch, the comparison row of `npm run bench`: train and inference img/s, 1 and 2 threads."""
import json
import time

import torch
import torch.nn as nn


def seed_cnn():
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 512), nn.ReLU(), nn.Linear(512, 10),
    )


def measure(threads, batch=128, min_seconds=3.0):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = seed_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy, as in the tfjs model
    x = torch.rand(batch, 3, 32, 32)
    y = torch.randint(0, 10, (batch,))

    def train_step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    def infer_step():
        with torch.no_grad():
            model(x)

    out = {}
    for name, step in (("train", train_step), ("inference", infer_step)):
        for _ in range(2):
            step()
        steps, start = 0, time.perf_counter()
        while steps < 5 or time.perf_counter() - start < min_seconds:
            step()
            steps += 1
        out[name] = round(batch * steps / (time.perf_counter() - start), 1)
    return out


def loaded_blas():
    """The BLAS library actually mapped into this process (Debian's torch uses the system libblas)."""
    with open("/proc/self/maps") as maps:
        names = {line.split("/")[-1].strip() for line in maps if "blas" in line}
    return ", ".join(sorted(names)) or "unknown"


one, two = measure(1), measure(2)
print(json.dumps({
    "torch": torch.__version__,
    "blas": loaded_blas(),
    "train1Thread": one["train"], "inference1Thread": one["inference"],
    "train2Threads": two["train"], "inference2Threads": two["inference"],
}))
