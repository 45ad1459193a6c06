"""What the train-step snippets share: a batch of data and a small Functional model
of a given Model subclass whose Dropout output is watched (imported by them; it
prints nothing)."""

import warnings

import numpy as np
import tensorflow as tf

layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (64, 8)).astype("float32")
y = (x.sum(axis=1) > 40).astype("float32")


class ZeroShare(layers.Layer):
    """Passes its input through; records the share of zeros in it (works inside fit)."""

    def build(self, input_shape):
        self.share = self.add_weight(
            name="share", shape=(), initializer="zeros", trainable=False
        )

    def call(self, inputs):
        self.share.assign(tf.reduce_mean(tf.cast(tf.equal(inputs, 0.0), "float32")))
        return inputs


def build(model_class, **compile_args):
    """Dense -> BatchNormalization -> Dropout -> ZeroShare("zeros") -> Dense, compiled;
    returns the model and its BatchNormalization layer."""
    inputs = tf.keras.Input((8,))
    h = layers.BatchNormalization()(layers.Dense(16)(inputs))
    h = ZeroShare(name="zeros")(layers.Dropout(0.5)(h))
    model = model_class(inputs, layers.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer="adam", loss="binary_crossentropy", **compile_args)
    return model, model.layers[2]


def amount(share):
    """A share of zeros in words."""
    return "none" if share == 0 else "about half" if 0.3 < share < 0.7 else "some"


def fit_facts(model, bn):
    """Fit one epoch; return (bn's moving statistics moved, fit warned of a
    deprecation, fit reports a loss of 0.0)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    bn_trained = bool(np.any(bn.moving_mean.numpy() != 0.0))  # a new BN starts at 0
    deprecated = any("deprecated" in str(w.message) for w in caught)
    return bn_trained, deprecated, history.history["loss"][-1] == 0.0
