"""Keras 2 (tf_keras): Sequential, Functional and subclassed models (call() without
`training`) respond identically to the `training` argument of the model call."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # must be set before TensorFlow is imported

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
data = np.random.default_rng(0).normal(size=(8, 8, 8, 3)).astype("float32")
layers = tf.keras.layers


def sequential():
    return tf.keras.Sequential([
        tf.keras.Input(shape=data.shape[1:]),
        layers.Conv2D(16, 3),
        layers.BatchNormalization(),
        layers.Dropout(0.5),
    ])


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


def mode(model, kwargs):
    """Call `model` once; return (BN updated its moving mean, Dropout dropped units)."""
    bn = next(
        layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)
    )
    before = bn.moving_mean.numpy().copy()
    out = model(data, **kwargs).numpy()
    bn_updated = not np.allclose(before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out == 0.0) > 0.25)
    return bn_updated, dropped


models = {
    "Sequential": sequential(),
    "Functional": functional(),
    "Subclass": Subclass(),
}
models["Subclass"](data[:1])  # a subclassed model creates its weights on the first call

print(
    "Each cell: did BatchNormalization update its moving mean / did Dropout drop units?"
)
print(f"{'call':<29}{'Sequential':<12}{'Functional':<12}Subclass")
calls = [  # (call, its keyword arguments, should BN and Dropout run in training mode?)
    ("model(data)", {}, False),
    ("model(data, training=None)", {"training": None}, False),
    ("model(data, training=True)", {"training": True}, True),
    ("model(data, training=False)", {"training": False}, False),
]
for call, kwargs, trains in calls:
    results = [mode(model, kwargs) for model in models.values()]
    cells = [
        f"{'yes' if bn else 'no'}/{'yes' if drop else 'no'}" for bn, drop in results
    ]
    print(f"{call:<29}{cells[0]:<12}{cells[1]:<12}{cells[2]}")
    assert results == [(trains, trains)] * 3, (call, results)
