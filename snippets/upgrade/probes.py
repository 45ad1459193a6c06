"""Measuring helpers for the upgrade snippets: what a Dropout zeroed, whether a
BatchNormalization layer updated its moving statistics (Keras 3)."""

import inspect

import numpy as np
import tensorflow as tf


class ZeroShare(tf.keras.layers.Layer):
    """Passes its input on unchanged and counts the zeros in it: placed after a
    Dropout, it measures what the Dropout dropped, inside fit and predict too."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.zeros = self.add_weight(shape=(), initializer="zeros", trainable=False)
        self.total = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, inputs):
        zero = tf.cast(tf.equal(inputs, 0.0), "float32")
        self.zeros.assign_add(tf.reduce_sum(zero))
        self.total.assign_add(tf.cast(tf.size(zero), "float32"))
        return inputs

    def reset(self):
        self.zeros.assign(0.0)
        self.total.assign(0.0)

    def zeroed(self):
        """The share of zeros seen since the last reset, as a coarse bin."""
        share = float(self.zeros.numpy()) / max(float(self.total.numpy()), 1.0)
        return "none" if share < 0.01 else "about half" if 0.4 < share < 0.6 else "some"


def declares_true(layer):
    """Does this layer's `call` declare training=True as its default?"""
    parameter = inspect.signature(layer.call).parameters.get("training")
    return parameter is not None and parameter.default is True


def trained(bn):
    """Has this new BatchNormalization ever updated its moving mean (starts at 0)?"""
    return bool(np.any(bn.moving_mean.numpy() != 0.0))


def moved(bn, before):
    """Did this BatchNormalization update its moving mean since `before`?"""
    return not np.allclose(before, bn.moving_mean.numpy())


if __name__ == "__main__":  # the probe itself, on a plain Dropout(0.5)
    tf.keras.utils.set_random_seed(0)
    ones = np.ones((8, 100), dtype="float32")
    probe, dropout = ZeroShare(), tf.keras.layers.Dropout(0.5)
    for training in (True, False):
        probe.reset()
        probe(dropout(ones, training=training))
        print(f"Dropout(0.5), training={training}: zeroed {probe.zeroed()}")
        assert probe.zeroed() == ("about half" if training else "none")
    bn = tf.keras.layers.BatchNormalization()
    bn.build(ones.shape)
    before = bn.moving_mean.numpy().copy()
    bn(ones + 1.0, training=False)
    print("BatchNormalization, training=False: moved", moved(bn, before))
    bn(ones + 1.0, training=True)
    print("BatchNormalization, training=True: moved", moved(bn, before))
    assert moved(bn, before)
