"""Keras 2 only: with no `training` value given, the learning phase beats the
default declared in a layer's call()."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # must be set before TensorFlow is imported

import warnings

import numpy as np
import tensorflow as tf

warnings.filterwarnings("ignore", message=".*set_learning_phase.*deprecated")
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


for phase, layer_class in [(1, DefaultsToInfer), (0, DefaultsToTrain)]:
    tf.keras.backend.clear_session()
    tf.keras.backend.set_learning_phase(phase)
    layer = layer_class()
    layer(x)
    model = Wrapper(layer_class())
    model(x)
    print(f"learning phase {phase}: {layer_class.__name__} layer(x) receives "
          f"{layer.received!s:<5}  inside model(x) receives {model.inner.received}")
    assert layer.received is model.inner.received is (phase == 1)
