"""Keras 3 and Keras 2: an inner layer called without `training` takes the value
of the enclosing model call, even when its own call() declares a different default."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

x = np.zeros((2, 3), dtype="float32")


class DefaultsToTrain(tf.keras.layers.Layer):
    def call(self, inputs, training=True):
        self.received = training
        return inputs


class DefaultsToInfer(tf.keras.layers.Layer):
    def call(self, inputs, training=False):
        self.received = training
        return inputs


class Wrapper(tf.keras.Model):
    """Calls one inner layer without passing `training`."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def call(self, inputs):
        return self.inner(inputs)


for inner_class, outer in [(DefaultsToInfer, True), (DefaultsToTrain, False)]:
    model = Wrapper(inner_class())
    model(x, training=outer)
    received = model.inner.received
    call = f"model(x, training={outer})"
    print(f"{inner_class.__name__:<15} inside {call:<24} receives {received}")
    assert received is outer, (inner_class.__name__, received)
