"""notebooks/images/lab_static.png, the lab's picture for readers without a kernel, is what
scripts/make_lab_picture.py draws from the lab's runs today (regenerate it with that script)."""

import importlib.util
from pathlib import Path

import numpy as np
from matplotlib.image import imread

ROOT = Path(__file__).resolve().parent.parent


def test_the_static_picture_of_the_lab_is_up_to_date(tmp_path):
    spec = importlib.util.spec_from_file_location("make_lab_picture",
                                                  ROOT / "scripts" / "make_lab_picture.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    fresh = tmp_path / "lab_static.png"
    script.main(fresh)
    stored, now = imread(ROOT / "notebooks" / "images" / "lab_static.png"), imread(fresh)
    assert stored.shape == now.shape
    # the same picture; a pixel may differ where a last-bit difference in the training
    # moves a line by one pixel
    assert np.mean(np.abs(stored - now).max(axis=-1) > 0.1) < 0.002
