"""Keras 2 only: set_learning_phase(1) puts a model called without `training` into
training mode, set_learning_phase(0) back into inference mode, and the function
warns that it is deprecated."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import warnings

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
data = np.random.default_rng(0).normal(size=(8, 8, 8, 3)).astype("float32")
model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=data.shape[1:]),
        tf.keras.layers.Conv2D(16, 3),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dropout(0.5),
    ]
)
bn = model.layers[1]


def call_without_training():
    """Call model(data); return (BN updated its moving mean, Dropout dropped units)."""
    before = bn.moving_mean.numpy().copy()
    out = model(data).numpy()  # <-
    bn_updated = not np.allclose(before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out == 0.0) > 0.25)
    return bn_updated, dropped


for phase in [1, 0]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tf.keras.backend.set_learning_phase(phase)  # <-
    categories = sorted({w.category.__name__ for w in caught})
    deprecated = any("deprecated" in str(w.message) for w in caught)
    bn_updated, dropped = call_without_training()
    print(
        f"set_learning_phase({phase}): warning {categories}, "
        f"mentions 'deprecated': {deprecated}"
    )
    print(f"  then model(data): BN updated: {bn_updated}, Dropout dropped: {dropped}")
    assert categories == ["UserWarning"] and deprecated
    assert bn_updated == dropped == (phase == 1)
