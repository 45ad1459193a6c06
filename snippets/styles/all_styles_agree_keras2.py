"""Keras 2 (tf_keras): Sequential, Functional and subclassed models (call() without
`training`) respond identically to the `training` argument of the model call."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it builds all three styles side by side and calls each four ways, so
# that one table shows them agreeing on Keras 2.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
data = np.random.default_rng(0).normal(size=(8, 8, 8, 3)).astype("float32")
layers = tf.keras.layers


def sequential():
    return tf.keras.Sequential(
        [
            tf.keras.Input(shape=data.shape[1:]),
            layers.Conv2D(16, 3),
            layers.BatchNormalization(),
            layers.Dropout(0.5),
        ]
    )


def functional():
    inputs = tf.keras.Input(shape=data.shape[1:])
    outputs = layers.Dropout(0.5)(
        layers.BatchNormalization()(layers.Conv2D(16, 3)(inputs))
    )
    return tf.keras.Model(inputs, outputs)


class Subclass(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(16, 3)
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)

    def call(self, inputs):  # no `training` parameter
        return self.drop(self.bn(self.conv(inputs)))


def cell(bn, mean_before, out, trains):
    """'yes/no' for: did BN update its moving mean / did Dropout drop units? Checked."""
    bn_updated = not np.allclose(mean_before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out.numpy() == 0.0) > 0.25)
    assert bn_updated == dropped == trains, (bn_updated, dropped, trains)
    return f"{'yes' if bn_updated else 'no'}/{'yes' if dropped else 'no'}"


models = {
    "Sequential": sequential(),
    "Functional": functional(),
    "Subclass": Subclass(),
}
models["Subclass"](data[:1])  # a subclassed model creates its weights on the first call

print("Each cell: did BatchNormalization update its moving mean / did Dropout drop?")
print(
    f"{'':<12}{'model(data)':<13}{'training=None':<15}{'training=True':<15}"
    "training=False"
)
for style, model in models.items():
    bn = next(lay for lay in model.layers if isinstance(lay, layers.BatchNormalization))
    mean = bn.moving_mean.numpy().copy()
    bare = cell(bn, mean, model(data), False)  # <-
    mean = bn.moving_mean.numpy().copy()
    none = cell(bn, mean, model(data, training=None), False)  # <-
    mean = bn.moving_mean.numpy().copy()
    true = cell(bn, mean, model(data, training=True), True)  # <-
    mean = bn.moving_mean.numpy().copy()
    false = cell(bn, mean, model(data, training=False), False)  # <-
    print(f"{style:<12}{bare:<13}{none:<15}{true:<15}{false}")
