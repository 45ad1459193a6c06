"""Keras 3 and Keras 2: when every `call` takes training=None and passes it on to each
layer that accepts one, the model trains exactly the layers meant to train, whatever
its inner layers pin or default to."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
layers = tf.keras.layers
x = np.random.default_rng(0).normal(loc=2.0, size=(32, 8, 8, 8)).astype("float32")


class PinnedBlock(layers.Layer):
    """An inner block: BatchNormalization pinned, Dropout following the model."""

    def __init__(self):
        super().__init__()
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)

    def call(self, inputs, training=None):
        h = self.bn(inputs, training=False)  # pinned on purpose
        return self.drop(h, training=training)


class Classifier(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.flip = layers.RandomFlip()  # an augmentation layer
        self.bn = layers.BatchNormalization()
        self.block = PinnedBlock()

    def call(self, inputs, training=None):
        h = self.flip(inputs, training=training)
        h = self.bn(h, training=training)
        return self.block(h, training=training)


class MCModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn_in = layers.BatchNormalization()
        self.mc = layers.Dropout(0.5)
        self.bn_out = layers.BatchNormalization()

    def call(self, inputs, training=None):
        h = self.bn_in(inputs, training=training)
        h = self.mc(h, training=True)  # Monte Carlo dropout: on, even at inference
        return self.bn_out(h, training=training)


def means(*bns):
    """The moving means of these BatchNormalization layers, copied."""
    return [bn.moving_mean.numpy().copy() for bn in bns]


def moved(bn, before):
    """Did this BatchNormalization update its moving mean since `before`?"""
    return not np.allclose(before, bn.moving_mean.numpy())


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
classifier = Classifier()
classifier(x[:1])  # a subclassed model creates its weights on the first call


def check(call, out, start, trains):
    """Print and check what one call of the classifier did."""
    bn, pinned = moved(classifier.bn, start[0]), moved(classifier.block.bn, start[1])
    dropped = bool(np.mean(out.numpy() == 0.0) > 0.25)
    print(f"{call}: BN updated {bn}, pinned BN updated {pinned}, dropped {dropped}")
    assert bn is dropped is trains, f"{call} should train: {trains}"
    assert not pinned, "the pinned BatchNormalization should never train"


start = means(classifier.bn, classifier.block.bn)
check("classifier(x, training=True)", classifier(x, training=True), start, True)
start = means(classifier.bn, classifier.block.bn)
bare = classifier(x)
check("classifier(x)", bare, start, False)
start = means(classifier.bn, classifier.block.bn)
off = classifier(x, training=False)
check("classifier(x, training=False)", off, start, False)
flips = not np.allclose(bare.numpy(), off.numpy())  # only RandomFlip can differ
print("RandomFlip flipped images in classifier(x):", flips)
assert flips is keras2, "Keras 2 applies RandomFlip's default, True; Keras 3 the None"

mc_model = MCModel()
mc_model(x[:1])


def check_mc(call, first, second, start):
    """Print and check what two identical calls of mc_model did."""
    differ = not np.allclose(first.numpy(), second.numpy())
    bn_in, bn_out = moved(mc_model.bn_in, start[0]), moved(mc_model.bn_out, start[1])
    print(f"{call} twice: outputs differ {differ}, BN updated {bn_in} and {bn_out}")
    assert differ, "the Monte Carlo dropout should stay on"
    assert not bn_in and not bn_out, "no BatchNormalization should train here"


start = means(mc_model.bn_in, mc_model.bn_out)
check_mc("mc_model(x)", mc_model(x), mc_model(x), start)
start = means(mc_model.bn_in, mc_model.bn_out)
first, second = mc_model(x, training=False), mc_model(x, training=False)
check_mc("mc_model(x, training=False)", first, second, start)
