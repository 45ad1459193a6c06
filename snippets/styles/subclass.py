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

    def call(self, inputs):  # no `training` parameter
        return self.drop(self.bn(self.conv(inputs)))


model = ConvBnDrop()
model(data[:1])  # a subclassed model creates its weights on the first call

bn = model.bn
calls = [  # (call, its keyword arguments, should BN and Dropout run in training mode?)
    ("model(data)", {}, False),
    ("model(data, training=None)", {"training": None}, False),
    ("model(data, training=True)", {"training": True}, True),
    ("model(data, training=False)", {"training": False}, False),
]
for call, kwargs, trains in calls:
    before = bn.moving_mean.numpy().copy()
    out = model(data, **kwargs).numpy()
    bn_updated = not np.allclose(before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out == 0.0) > 0.25)
    print(f"{call:<27}  BN updated: {bn_updated!s:<5}  Dropout dropped: {dropped}")
    assert bn_updated == dropped == trains, call
