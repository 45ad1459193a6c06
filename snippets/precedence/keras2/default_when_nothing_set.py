"""Keras 3, and Keras 2 with no learning phase set: when no `training` value is
given anywhere, a layer runs with the default declared in its own call()."""
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


for layer_class, default in [(DefaultsToTrain, True), (DefaultsToInfer, False)]:
    layer = layer_class()
    layer(x)
    model = Wrapper(layer_class())
    model(x)
    print(f"{layer_class.__name__:<15} layer(x) receives {layer.received!s:<5}  "
          f"inside model(x) receives {model.inner.received}")
    assert layer.received is default and model.inner.received is default
