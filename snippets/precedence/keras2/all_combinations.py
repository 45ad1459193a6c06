"""For every model style and `training` value (and, on Keras 2, every learning phase),
BatchNormalization and Dropout train exactly when the precedence rule says: an explicit
True/False wins, then the learning phase (Keras 2), otherwise inference."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it builds the model in all three styles and calls a fresh one with each
# of the four training values, under every learning phase on Keras 2, so that one table
# shows every combination the page reads.

import warnings

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
warnings.filterwarnings("ignore", message=".*set_learning_phase.*deprecated")
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


def row(style, phase, training, model, out):
    """Print one row for the first call of a fresh `model`, and check it."""
    bn = next(lay for lay in model.layers if isinstance(lay, layers.BatchNormalization))
    bn_updated = bool(np.any(bn.moving_mean.numpy() != 0.0))  # it starts at 0
    dropped = bool(np.mean(out.numpy() == 0.0) > 0.25)
    phase_cell = f" {'unset' if phase is None else phase!s:<5} |" if keras2 else ""
    print(
        f"| {style:<10} |{phase_cell} {training!s:<8} | "
        f"{'yes' if bn_updated else 'no':<10} | {'yes' if dropped else 'no':<7} |"
    )
    if training in (True, False):  # an explicit value wins
        expected = training
    else:  # otherwise the learning phase, if one is set; otherwise inference
        expected = phase == 1
    assert bn_updated == dropped == expected, (style, phase, training)


builders = {"Sequential": sequential, "Functional": functional, "Subclass": Subclass}
phases = [None, 1, 0] if keras2 else [None]  # a learning phase exists on Keras 2 only
print(f"| style      |{' phase |' if keras2 else ''} training | BN updated | dropped |")
print(f"|------------|{'-------|' if keras2 else ''}----------|------------|---------|")
for phase in phases:
    tf.keras.backend.clear_session()  # also forgets a learning phase set before
    if phase is not None:
        tf.keras.backend.set_learning_phase(phase)
    for style, build in builders.items():
        model = build()
        row(style, phase, "omitted", model, model(data))  # <-
        model = build()
        row(style, phase, None, model, model(data, training=None))  # <-
        model = build()
        row(style, phase, True, model, model(data, training=True))  # <-
        model = build()
        row(style, phase, False, model, model(data, training=False))  # <-
