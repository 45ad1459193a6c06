"""keras.io's fine-tuning recipe as readers find it, `base(inputs, training=False)` in a
Functional wrapper, a Dropout head, `base.trainable = True`, compile, `fit`: on Keras 3
either the base's BatchNormalization trains or the head's Dropout drops nothing; in a
subclassed wrapper `self.base(x, training=False)` is kept, and on Keras 3 it switches
off a later Dropout that gets no `training` of its own."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it runs keras.io's Functional wrapper and two subclassed wrappers
# through the same freeze, fit, unfreeze, compile and fit, and watches both the base's
# statistics and the head's Dropout, since the wrappers get different ones wrong.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
layers = tf.keras.layers
rng = np.random.default_rng(0)
x = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y = rng.normal(size=(64, 1)).astype("float32")
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")


class Watch(layers.Layer):
    """Passes its input on and keeps the share of zeros in it (inside a graph too)."""

    def build(self, input_shape):
        self.zeros = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, h):
        self.zeros.assign(tf.reduce_mean(tf.cast(tf.equal(h, 0.0), "float32")))
        return h


def pretrained_base():  # stands in for keras.applications
    bn = layers.BatchNormalization()
    return tf.keras.Sequential([tf.keras.Input(shape=(8,)), layers.Dense(16), bn])


def keras_io(base, watch):  # the guide's Functional wrapper
    inputs = tf.keras.Input(shape=(8,))
    h = base(inputs, training=False)  # <- flip-safe: Keras 3.15 replaces it (the claim)
    return tf.keras.Model(inputs, layers.Dense(1)(watch(layers.Dropout(0.5)(h))))


class Wrapper(tf.keras.Model):  # a subclassed wrapper pinning its base
    def __init__(self, base, watch, pass_on):
        super().__init__()
        self.base, self.drop, self.watch = base, layers.Dropout(0.5), watch
        self.head, self.pass_on = layers.Dense(1), pass_on

    def call(self, x, training=None):
        h = self.base(x, training=False)  # <-
        h = self.drop(h, training=training) if self.pass_on else self.drop(h)  # <-
        return self.head(self.watch(h))


def fine_tune(wrap):
    base, watch = pretrained_base(), Watch()
    model = wrap(base, watch)
    base.trainable = False  # train the head on the frozen base, then unfreeze it
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, verbose=0)
    base.trainable = True  # <-
    model.compile(optimizer="sgd", loss="mse")  # compiled again, as the guide does
    mean = base.layers[1].moving_mean.numpy().copy()
    model.fit(x, y, verbose=0)  # <-
    share = float(watch.zeros.numpy())
    drops = "about half" if 0.35 < share < 0.65 else "nothing" if share == 0 else share
    return np.allclose(mean, base.layers[1].moving_mean.numpy()), drops


seen = {
    "Functional, base(inputs, training=False)": fine_tune(keras_io),
    "subclassed, then drop(h, training=...)": fine_tune(
        lambda base, watch: Wrapper(base, watch, pass_on=True)
    ),
    "subclassed, then drop(h)": fine_tune(
        lambda base, watch: Wrapper(base, watch, pass_on=False)
    ),
}
print(f"{'wrapper, then fit':<42}{'base BN kept':>13}{'head drops':>12}")
for wrapper, (kept, drops) in seen.items():
    print(f"{wrapper:<42}{kept!s:>13}{drops:>12}")
functional, passes_on, forgets = seen.values()
assert passes_on == (True, "about half"), "the subclass rule keeps both right"
if keras2:
    assert functional == forgets == (True, "about half"), "Keras 2 keeps both right"
else:  # which of the two depends on the Keras 3 release: see the Versions line
    assert functional in [(False, "about half"), (True, "nothing")], functional
    assert forgets == (True, "nothing"), "training=False reaches the later Dropout"
