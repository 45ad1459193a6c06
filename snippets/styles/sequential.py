"""Keras 3: a Sequential model's BatchNormalization and Dropout follow the
`training` argument of the model call."""

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

bn = model.layers[1]  # Conv2D, BatchNormalization, Dropout


def check(call, out, mean_before, trains):
    """Print whether BN updated its moving mean and Dropout dropped units, and check."""
    bn_updated = not np.allclose(mean_before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out.numpy() == 0.0) > 0.25)
    print(f"{call:<27}  BN updated: {bn_updated!s:<5}  Dropout dropped: {dropped}")
    assert bn_updated == dropped == trains, f"{call} should train: {trains}"


mean = bn.moving_mean.numpy().copy()
check("model(data)", model(data), mean, False)  # <-
mean = bn.moving_mean.numpy().copy()
check("model(data, training=None)", model(data, training=None), mean, False)  # <-
mean = bn.moving_mean.numpy().copy()
check("model(data, training=True)", model(data, training=True), mean, True)  # <-
mean = bn.moving_mean.numpy().copy()
check("model(data, training=False)", model(data, training=False), mean, False)  # <-
