"""What the preprocessing snippets share: a Functional model made from a list of
layers, a layer that keeps what passes through it, and whether a model's
BatchNormalization has trained (imported by them; it prints nothing)."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf


def functional(layer_list, shape):
    """A Functional model that calls the layers one after the other."""
    inputs = h = tf.keras.Input(shape)
    for layer in layer_list:
        h = layer(h)
    return tf.keras.Model(inputs, h)


class Tap(tf.keras.layers.Layer):
    """Passes its input through unchanged and keeps it, to look at afterwards."""

    def call(self, inputs):
        self.seen = inputs
        return inputs


def bn_trained(model):
    """Has the model's BatchNormalization moved its moving mean from 0, where it
    starts?"""
    bn = next(
        layer
        for layer in model.layers
        if isinstance(layer, tf.keras.layers.BatchNormalization)
    )
    return bool(np.any(bn.moving_mean.numpy() != 0.0))
