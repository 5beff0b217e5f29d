"""PyTorch's column of `pnpm bench`: the same figures, checks and timing method as the JavaScript
suites (bench/lib/timing.mjs, bench/lib/check.mjs), run by bench/lib/runner.mjs as
`/usr/bin/python3 bench/torch_bench.py '<JSON config>'`.

The config carries the figure list from bench/lib/figures.mjs, so there is one definition of what
each row measures. Output: JSON lines on stdout, the same messages the Node children send over
IPC ({"type": "info"|"figure"|"fatal", ...}), one per figure as soon as it is done, so a run that is
killed halfway still reports what it measured. Progress goes to stderr.
"""

import gc
import json
import statistics
import sys
import time

BATCHES_PER_REP = 100  # as in timing.mjs: one clock read per batch, not per call


def emit(msg):
    print(json.dumps(msg), flush=True)


def measure(step, sync, warmup_s, budget_s, reps):
    """Warm up, pick a batch size, then `reps` repetitions of whole batches until `budget_s`
    elapsed, syncing the last result inside each timed block. Seconds per call."""
    clock = time.perf_counter
    gc.collect()  # start each figure with a clean heap, as timing.mjs does with gc()
    warm_calls = 0
    start = clock()
    while True:
        last = step()
        warm_calls += 1
        if warm_calls >= 2 and clock() - start >= warmup_s:
            break
    sync(last)
    estimate = (clock() - start) / warm_calls
    batch = max(1, int(budget_s / BATCHES_PER_REP / estimate))
    r = range(batch)
    samples = []
    calls = 0
    for _ in range(reps):
        count = 0
        start = clock()
        while True:
            for _ in r:
                last = step()
            count += batch
            if clock() - start >= budget_s:
                break
        sync(last)
        samples.append((clock() - start) / count)
        calls += count
    return {
        "samples": samples,
        "median": statistics.median(samples),
        "calls": calls,
        "batch": batch,
    }


def make_case(torch, fig):
    """(step, sync, first_result_check) for one figure; the checks mirror check.mjs."""
    n = fig["n"]
    if fig["kind"] == "matmul":
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        # b.t() inside the step, as written in the figure: the view is part of the cost
        step = (lambda: a @ b.t()) if fig.get("transposed") else (lambda: a @ b)

        def check(out):
            ref = a.double() @ (b.double().t() if fig.get("transposed") else b.double())
            scale = a.double().abs() @ (b.double().abs().t() if fig.get("transposed") else b.double().abs())
            bad = (out.double() - ref).abs() > 1e-4 * scale + 1e-6
            if bad.any():
                i, j = [int(k) for k in bad.nonzero()[0]]
                return f"C[{i}, {j}] = {float(out[i, j])}, expected {float(ref[i, j]):.7g}"
            return None

    elif fig["kind"] == "add":
        a = torch.randn(n)
        b = torch.randn(n)
        step = lambda: a + b  # noqa: E731

        def check(out):
            return None if torch.equal(out, a + b) else "sum differs from a + b"

    elif fig["kind"] == "backward":
        a = torch.randn(n, requires_grad=True)
        b = torch.randn(n)

        # a.grad accumulates across calls, as in typetorch's column
        def step():
            (a * b).sum().backward()
            return a.grad

        def check(out):
            return None if torch.allclose(out, b, rtol=1e-6, atol=1e-7) else "a.grad differs from b"

    elif fig["kind"] == "train":
        step, check = train_case(torch, n)

    else:
        raise ValueError(f"no PyTorch case for {fig['kind']}")

    # "Read one value at the end": .item() on a CPU tensor, for symmetry with dataSync()[0]
    # (PyTorch's CPU ops are synchronous, so this costs next to nothing).
    def sync(r):
        return r.reshape(-1)[0].item()

    return step, sync, check


def train_case(torch, batch):
    """One training step of the CIFAR10 tutorial Net (zero_grad, forward, CrossEntropyLoss,
    backward, SGD lr 0.001 momentum 0.9), as the tutorial writes it; the result is the loss."""
    nn = torch.nn
    F = nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    inputs = torch.randn(batch, 3, 32, 32)
    labels = torch.randint(0, 10, (batch,))

    def step():
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        return loss.detach()

    def check(out):
        loss = float(out)
        return None if 1.8 < loss < 2.9 else f"first loss {loss}, expected about ln 10 = 2.30"

    return step, check


def main():
    config = json.loads(sys.argv[1])
    try:
        import torch
    except Exception as e:  # noqa: BLE001 - any import failure means "no PyTorch column"
        emit({"type": "fatal", "error": f"import torch failed: {e}"})
        return
    # Debian's PyTorch 1.13 starts with 1 intra-op thread on this 2-core machine; use the thread
    # count the harness asked for (default: all cores) so PyTorch runs as a user tuning it would.
    torch.set_num_threads(config["threads"])
    emit({
        "type": "info",
        "info": {
            "version": torch.__version__,
            "threads": torch.get_num_threads(),
            "python": sys.version.split()[0],
        },
    })
    budgets = config["budgets"]
    for fig in config["figures"]:
        print(f"  pytorch: {fig['label']}", file=sys.stderr, flush=True)
        try:
            step, sync, check = make_case(torch, fig)
            problem = check(step())
            if problem:
                emit({"type": "figure", "id": fig["id"], "error": f"wrong result: {problem}"})
                continue
            timing = measure(step, sync, budgets["warmupS"], budgets["budgetS"], budgets["reps"])
            emit({"type": "figure", "id": fig["id"], "timing": timing})
        except Exception as e:  # noqa: BLE001 - one failing figure must not hide the others
            emit({"type": "figure", "id": fig["id"], "error": str(e).split("\n")[0][:300]})


if __name__ == "__main__":
    try:
        main()
    finally:
        # this process's CPU time (all threads): the harness subtracts it from the machine's to
        # see how much other processes took while this column ran
        emit({"type": "cpu", "seconds": time.process_time()})
