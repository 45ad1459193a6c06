"""Keras 3: a subclassed model whose call() has no `training` parameter still
passes the model call's `training` on to its BatchNormalization and Dropout
layers."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
data = np.random.default_rng(0).normal(size=(8, 8, 8, 3)).astype("float32")


class ConvBnDrop(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = tf.keras.layers.Conv2D(16, 3)
        self.bn = tf.keras.layers.BatchNormalization()
        self.drop = tf.keras.layers.Dropout(0.5)

    def call(self, inputs):  # <- no `training` parameter
        return self.drop(self.bn(self.conv(inputs)))


model = ConvBnDrop()
model(data[:1])  # a subclassed model creates its weights on the first call

bn = model.bn


def check(call, out, mean_before, trains):
    """Print whether BN updated its moving mean and Dropout dropped units, and check."""
    bn_updated = not np.allclose(mean_before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out.numpy() == 0.0) > 0.25)
    print(f"{call:<27}  BN updated: {bn_updated!s:<5}  Dropout dropped: {dropped}")
    assert bn_updated == dropped == trains, f"{call} should train: {trains}"


mean = bn.moving_mean.numpy().copy()
check("model(data)", model(data), mean, False)
mean = bn.moving_mean.numpy().copy()
check("model(data, training=None)", model(data, training=None), mean, False)
mean = bn.moving_mean.numpy().copy()
check("model(data, training=True)", model(data, training=True), mean, True)  # <-
mean = bn.moving_mean.numpy().copy()
check("model(data, training=False)", model(data, training=False), mean, False)
