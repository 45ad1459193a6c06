"""The machinery of why/methods_pass_training.py: one small model in four styles, and
what a call did to its BatchNormalization and Dropout, read from variables."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it writes the one small model in all four styles the table compares and
# reads BatchNormalization and Dropout from variables, so that a traced fit or predict
# is observed too, and it checks itself when run.

import numpy as np
import tensorflow as tf

layers = tf.keras.layers
rng = np.random.default_rng(0)
x = rng.normal(size=(16, 4, 4, 2)).astype("float32") + 3.0  # 16 small 2-channel images
y = rng.normal(size=(16, 4, 4, 2)).astype("float32")


class Watch(layers.Layer):
    """Passes its input on and counts its zeros in a variable: a graph (fit, predict,
    a tf.function) updates a variable where Python code inside `call` would not run."""

    def build(self, input_shape):
        self.zeros = self.add_weight(
            name="zeros", shape=(), initializer="zeros", trainable=False
        )

    def call(self, inputs):
        self.zeros.assign_add(tf.reduce_sum(tf.cast(tf.equal(inputs, 0.0), "float32")))
        return inputs


def front(flip):
    return [layers.RandomFlip("horizontal")] if flip else []


def sequential(flip=False):
    return tf.keras.Sequential(
        [
            tf.keras.Input((4, 4, 2)),
            *front(flip),
            layers.BatchNormalization(),
            layers.Dropout(0.5),
            Watch(),
        ]
    )


def functional(flip=False):
    inputs = tf.keras.Input((4, 4, 2))
    h = inputs
    for layer in front(flip):
        h = layer(h)
    h = layers.Dropout(0.5)(layers.BatchNormalization()(h))
    return tf.keras.Model(inputs, Watch()(h))


class Forwards(tf.keras.Model):
    """A subclass whose call takes training=None and passes it on (forwards it)."""

    def __init__(self, flip=False):
        super().__init__()
        self.front = front(flip)
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)
        self.watch = Watch()

    def call(self, inputs, training=None):
        for layer in self.front:
            inputs = layer(inputs, training=training)
        h = self.bn(inputs, training=training)
        return self.watch(self.drop(h, training=training))


class NoTraining(Forwards):
    """A subclass whose call has no `training` parameter at all."""

    def call(self, inputs):
        for layer in self.front:
            inputs = layer(inputs)
        return self.watch(self.drop(self.bn(inputs)))


STYLES = {
    "Sequential": sequential,
    "Functional": functional,
    "forwards": Forwards,
    "no training": NoTraining,
}


def build(style, flip=False):
    """A fresh compiled model: each method traces its step once per model."""
    model = STYLES[style](flip=flip)
    model(x[:1])  # builds a subclass's weights; observe() reads only later calls
    model.compile(optimizer="sgd", loss="mse")
    return model


def find(model, kind):
    return [layer for layer in model._flatten_layers() if isinstance(layer, kind)][0]


def observe(model, run):
    """Call run(model); return (BN moving statistics updated, Dropout dropped)."""
    bn, watch = find(model, layers.BatchNormalization), find(model, Watch)
    before = bn.moving_mean.numpy().copy()
    watch.zeros.assign(0.0)
    run(model)
    return (
        not np.array_equal(before, bn.moving_mean.numpy()),
        bool(watch.zeros.numpy() > 0),
    )


if __name__ == "__main__":
    tf.keras.utils.set_random_seed(0)
    # the probe itself: an explicit value trains every style, or none, on both flavours
    print("(BN moving statistics updated, Dropout dropped) after a call with")
    for style in STYLES:
        trained = observe(build(style), lambda m: m(x, training=True))
        inferred = observe(build(style), lambda m: m(x, training=False))
        print(f"{style:<12} training=True: {trained}  training=False: {inferred}")
        assert trained == (True, True) and inferred == (False, False), style
