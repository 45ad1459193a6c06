"""A custom layer's call default for `training` applies only when no value is passed:
False is overridden by model(x, training=True); True makes a bare model(x) train it."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
ones = np.ones((1, 1000), dtype="float32")


class InferByDefault(tf.keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.drop = tf.keras.layers.Dropout(0.5)

    def call(self, inputs, training=False):  # <- meant: inference unless told otherwise
        self.received = training  # what Keras actually handed us
        return self.drop(inputs, training=training)


class TrainByDefault(InferByDefault):
    def call(self, inputs, training=True):  # <- a dangerous default
        self.received = training
        return self.drop(inputs, training=training)


def wrap(block):  # a Functional model around one block
    inputs = tf.keras.Input(shape=(1000,))
    return tf.keras.Model(inputs, block(inputs))


def show(call, block, out):
    half = bool(0.4 < np.mean(out.numpy() == 0.0) < 0.6)
    print(f"{call:<30} block receives {block.received!s:<5}  dropped half: {half}")
    assert half is block.received, call


print("tf.keras is", "Keras 3" if hasattr(tf.keras, "version") else "Keras 2")
model = wrap(block := InferByDefault())
print("call(self, inputs, training=False):")
show("  model(x, training=True)", block, model(ones, training=True))  # <-
show("  model(x)", block, model(ones))
show("  block(x), called on its own", block, block(ones))
assert block.received is False
model = wrap(block := TrainByDefault())
print("call(self, inputs, training=True):")
show("  model(x)", block, model(ones))  # <-
assert block.received is True, "a bare call runs the layer in training mode"
show("  model(x, training=False)", block, model(ones, training=False))
