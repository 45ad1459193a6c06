"""A bare model(x) is not always inference: a RandomFlip in front flips the images on
both flavours, and on Keras 3 it also puts every later layer in training mode."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
tf.keras.utils.set_random_seed(0)
images = np.random.default_rng(0).normal(size=(8, 6, 6, 3)).astype("float32")


class Spy(tf.keras.layers.Layer):
    """Passes its input on; notes the `training` value it got and whether the images
    reached it flipped."""

    def __init__(self):
        super().__init__()
        self.flipped = tf.Variable(False, trainable=False)

    def call(self, inputs, training=None):
        self.training_seen = training
        self.flipped.assign(tf.reduce_any(inputs != images))
        return inputs


spy, bn = Spy(), tf.keras.layers.BatchNormalization()
model = tf.keras.Sequential(
    [tf.keras.Input((6, 6, 3)), tf.keras.layers.RandomFlip("horizontal"), spy, bn]
)


def seen(call, bn_before):
    """What the call did: the value behind the flip, flipped or not, BN updated."""
    facts = (
        spy.training_seen,
        bool(spy.flipped.numpy()),
        not np.array_equal(bn_before, bn.moving_mean.numpy()),
    )
    print(
        f"{call:<25} later layers get training={facts[0]!s:<5}  "
        f"flipped: {facts[1]!s:<5}  BN updated: {facts[2]}"
    )
    return facts


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
start = bn.moving_mean.numpy().copy()
model(images)
bare = seen("model(x)", start)
start = bn.moving_mean.numpy().copy()
model(images, training=False)
explicit = seen("model(x, training=False)", start)
start = bn.moving_mean.numpy().copy()
model.predict(images, verbose=0)
predicted = seen("model.predict(x)", start)

# the flip runs on a bare call on both flavours; on Keras 3 the later layers train too
assert bare == ((None, True, False) if keras2 else (True, True, True)), (
    "a bare model(x) should flip the images, and train BN on Keras 3 only"
)
assert explicit == predicted == (False, False, False), (
    "training=False and predict() should run every layer in inference mode"
)
