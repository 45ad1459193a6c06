"""What the Monte Carlo dropout snippets share: a BatchNormalization that shows which
statistics it normalised with, and a Functional and a subclassed model made from a
list of layers (imported by them; it prints nothing)."""

import numpy as np
import tensorflow as tf


class WatchedBN(tf.keras.layers.BatchNormalization):
    """A BatchNormalization that keeps its last input and output, to check its mode."""

    def call(self, inputs, training=None):
        self.seen = inputs, super().call(inputs, training=training)
        return self.seen[1]


def used_moving_statistics(bn):
    """Was the last output of bn computed from its moving statistics?"""
    inputs, outputs = bn.seen
    scale = bn.gamma / tf.sqrt(bn.moving_variance + bn.epsilon)
    return bool(
        np.allclose(outputs, (inputs - bn.moving_mean) * scale + bn.beta, atol=1e-4)
    )


def bn_facts(bns):
    """Is the moving mean of every bn in bns still a new layer's (all 0), and did every
    one make its last output from its moving statistics?"""
    untouched = all(np.all(bn.moving_mean.numpy() == 0.0) for bn in bns)
    return untouched, all(used_moving_statistics(bn) for bn in bns)


def functional(layer_list, shape):
    """A Functional model that calls the layers one after the other."""
    inputs = h = tf.keras.Input(shape)
    for layer in layer_list:
        h = layer(h)
    return tf.keras.Model(inputs, h)


class Subclassed(tf.keras.Model):
    """A subclassed model that calls the layers one after the other, passing the
    `training` it is given on to every one of them."""

    def __init__(self, layer_list):
        super().__init__()
        self.layer_list = layer_list

    def call(self, inputs, training=None):
        for layer in self.layer_list:
            inputs = layer(inputs, training=training)
        return inputs
