"""Keras 3 and Keras 2: a `training` value passed explicitly to an inner layer beats
the value of the enclosing model call."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

x = np.zeros((2, 3), dtype="float32")


class Probe(tf.keras.layers.Layer):
    """Passes its input through and remembers the `training` value its call received."""

    def call(self, inputs, training=None):
        self.received = training
        return inputs


class PinnedInner(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.pinned_off = Probe()
        self.pinned_on = Probe()

    def call(self, inputs):
        h = self.pinned_off(inputs, training=False)  # explicit
        return self.pinned_on(h, training=True)  # explicit


model = PinnedInner()
for outer in [True, False]:
    model(x, training=outer)
    off, on = model.pinned_off.received, model.pinned_on.received
    call = f"model(x, training={outer})"
    print(
        f"{call:<24} inner layer pinned to False receives {off!s:<5}  "
        f"pinned to True receives {on}"
    )
    assert off is False and on is True, (outer, off, on)
