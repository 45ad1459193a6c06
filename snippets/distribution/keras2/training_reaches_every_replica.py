"""model(x, training=True) inside strategy.run trains every replica alike: each one
updates its BatchNormalization moving statistics and drops in Dropout; with
training=False no replica does either. Sequential, Functional and subclassed."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf
from replicas import distribute, local, strategy

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
x = np.random.default_rng(0).normal(3, 1, (8, 16)).astype("float32")
run = tf.function(strategy.run)  # each replica runs the step on its shard of x


class Subclassed(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn, self.drop = layers.BatchNormalization(), layers.Dropout(0.5)

    def call(self, inputs, training=None):  # the subclass rule: pass training on
        return self.drop(self.bn(inputs, training=training), training=training)


def build(style):
    if style == "Subclassed":
        return Subclassed()
    stack = [layers.BatchNormalization(), layers.Dropout(0.5)]
    inputs = tf.keras.Input((16,))
    if style == "Sequential":
        return tf.keras.Sequential([inputs] + stack)
    return tf.keras.Model(inputs, stack[1](stack[0](inputs)))


for style in ("Sequential", "Functional", "Subclassed"):
    with strategy.scope():
        model = build(style)
        model(x[:4])  # creates the variables inside the scope
    bn = next(layer for layer in model.layers if "batch_norm" in layer.name)
    for training, step in (
        (True, lambda b: model(b, training=True)),  # <-
        (False, lambda b: model(b, training=False)),  # <-
    ):
        old = local(bn.moving_mean)
        outputs = local(run(step, (distribute(x),)))  # <-
        updated = [not np.array_equal(o, n) for o, n in zip(old, local(bn.moving_mean))]
        dropped = [bool((out == 0).any()) for out in outputs]
        replicas = f"BN updated {updated}, dropped {dropped}"  # replica 0, replica 1
        print(f"{style:<10} training={training!s:<5} {replicas}")
        assert updated == dropped == [training] * 2, "every replica in the same mode"
