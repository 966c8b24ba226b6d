"""Regenerate data/mnist1d.npz, the standard MNIST-1D split (Greydanus 2020, Apache-2.0).

Needs the `mnist1d` package, a development-only dependency:

    .venv/bin/pip install "course_utils[data]"   # or: pip install mnist1d==0.0.2.post1
    .venv/bin/python scripts/make_mnist1d.py

`make_dataset()` with its default arguments (seed 42) gives 4,000 training and 1,000 test
examples of 40 features and 10 classes. We store them as the package returns them, examples
as rows; `course_utils.core.data.load_mnist1d` turns them into the course's (n_x, m) convention.
"""

import hashlib
from pathlib import Path

import numpy as np
from mnist1d.data import get_dataset_args, make_dataset

OUT = Path(__file__).resolve().parent.parent / "data" / "mnist1d.npz"


def main() -> None:
    args = get_dataset_args()
    assert args.seed == 42 and args.num_samples == 5000, "mnist1d defaults changed"
    d = make_dataset(args)
    np.savez_compressed(
        OUT,
        x=d["x"].astype(np.float64),
        y=d["y"].astype(np.int64),
        x_test=d["x_test"].astype(np.float64),
        y_test=d["y_test"].astype(np.int64),
    )
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"wrote {OUT.name}: x {d['x'].shape}, x_test {d['x_test'].shape}, sha256 {digest}")


if __name__ == "__main__":
    main()
