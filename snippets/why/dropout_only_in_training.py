"""Dropout zeroes units, and scales the survivors by 1 / (1 - rate), only when
called with training=True."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rate = 0.5
ones = np.ones((1, 1000), dtype="float32")
dropout = tf.keras.layers.Dropout(rate)


def effect(call, outputs):
    """Print and return the share zeroed (as a coarse bin) and the surviving values."""
    y = outputs.numpy()
    zeroed = float(np.mean(y == 0.0))
    share = "none" if zeroed == 0.0 else "about half" if 0.4 < zeroed < 0.6 else "other"
    survivors = sorted({float(v) for v in y[y != 0.0]})
    print(f"{call:<26} units zeroed: {share:<10}  surviving values: {survivors}")
    return share, survivors


bare = effect("dropout(x)", dropout(ones))  # <-
inference = effect("dropout(x, training=False)", dropout(ones, training=False))  # <-
training = effect("dropout(x, training=True)", dropout(ones, training=True))  # <-

assert bare == inference == ("none", [1.0]), "Dropout should pass its input through"
assert training == ("about half", [1 / (1 - rate)]), (
    "with training=True, Dropout should zero about `rate` of the units, scale the rest"
)
