"""Keras 2 only: tf.keras.backend.clear_session() forgets a learning phase set with
set_learning_phase."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
data = np.random.default_rng(0).normal(size=(8, 8, 8, 3)).astype("float32")


def new_model_trains_when_called_bare():
    """Build a fresh Conv2D -> BN -> Dropout model, call model(data), report whether
    it ran in training mode."""
    model = tf.keras.Sequential(
        [
            tf.keras.Input(shape=data.shape[1:]),
            tf.keras.layers.Conv2D(16, 3),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.Dropout(0.5),
        ]
    )
    bn = model.layers[1]
    before = bn.moving_mean.numpy().copy()
    out = model(data).numpy()
    bn_updated = not np.allclose(before, bn.moving_mean.numpy())
    dropout_dropped = bool(np.mean(out == 0.0) > 0.25)
    assert bn_updated == dropout_dropped
    return bn_updated


tf.keras.backend.set_learning_phase(1)  # <-
with_phase = new_model_trains_when_called_bare()
tf.keras.backend.clear_session()  # <-
after_clear = new_model_trains_when_called_bare()

print(f"set_learning_phase(1), then model(data) trains: {with_phase}")
print(f"clear_session(),       then model(data) trains: {after_clear}")
assert with_phase and not after_clear
