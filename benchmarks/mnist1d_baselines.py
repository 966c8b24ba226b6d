"""MNIST-1D test accuracy of softmax regression and the MLP trained with mini-batch GD.

The recipes of notebook 02's last section, over three seeds (initialisation and shuffling):
softmax regression, b = 64, learning rate 0.1, 20 epochs; the MLP 40-100-100-10 (ReLU,
softmax output), b = 64, learning rate 1 / (1 + 0.3 epoch), 12 epochs. Published
(Greydanus 2020): logistic regression 32 %, MLP 68 %.

    .venv/bin/python benchmarks/mnist1d_baselines.py
"""

import time

import numpy as np

import course_utils as cu


def softmax_run(split, seed):
    model = cu.models.SoftmaxRegression(40, 10, seed=seed)
    cu.train.train(model, split.X_train, split.Y_train, batch_size=64, learning_rate=0.1,
                   epochs=20, seed=seed)
    return model.accuracy(split.X_test, split.Y_test)


def mlp_run(split, seed):
    model = cu.models.MLP([40, 100, 100, 10], output="softmax", seed=seed)
    cu.train.train(model, split.X_train, split.Y_train, batch_size=64, epochs=12,
                   learning_rate=cu.train.InverseTimeDecay(1.0, decay_rate=0.3), seed=seed)
    return model.accuracy(split.X_test, split.Y_test)


def main():
    split = cu.data.load_mnist1d()
    acc = {"softmax": [], "mlp": []}
    for seed in (0, 1, 2):
        t0 = time.perf_counter()
        acc["softmax"].append(softmax_run(split, seed))
        acc["mlp"].append(mlp_run(split, seed))
        print(f"seed {seed}: softmax {acc['softmax'][-1]:.1%}, mlp {acc['mlp'][-1]:.1%} "
              f"({time.perf_counter() - t0:.1f} s)", flush=True)
    for k, published in (("softmax", 32), ("mlp", 68)):
        a = np.array(acc[k]) * 100
        print(f"{k}: mean {a.mean():.1f}% (min {a.min():.1f}, max {a.max():.1f}); "
              f"published {published}%")
    print(f"softmax {np.mean(acc['softmax']) * 100:.1f}%, mlp {np.mean(acc['mlp']) * 100:.1f}%")


if __name__ == "__main__":
    main()
