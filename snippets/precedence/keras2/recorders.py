"""What the precedence snippets share: a layer that records the `training` value its
call received, a model that calls one inner layer without passing `training` on,
and two checks (imported by them; it prints nothing)."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf


class Probe(tf.keras.layers.Layer):
    """Passes its input through and remembers the `training` value its call received."""

    def call(self, inputs, training=None):
        self.received = training
        return inputs


class Wrapper(tf.keras.Model):
    """Calls one inner layer without passing `training`."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def call(self, inputs):
        return self.inner(inputs)


def show(what, received, expected):
    """Print the value a layer received, and check it."""
    print(f"  {what:<52} receives {received}")
    assert received is expected, (what, received)


def about_half(out):
    """Did about half of the outputs drop to 0 (a Dropout(0.5) in training mode)?"""
    return bool(0.4 < np.mean(out.numpy() == 0.0) < 0.6)
