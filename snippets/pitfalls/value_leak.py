"""Keras 3: an explicit `training` given to one inner call reaches every later layer
of the whole model call that gets no value of its own, across nesting levels and even
past an explicit training=False on the model (Keras 2: it does not)."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
layers = tf.keras.layers
x = np.random.default_rng(0).normal(loc=2.0, size=(64, 256)).astype("float32")


class PinnedBlock(layers.Layer):
    """An inner block that keeps its BatchNormalization in inference mode."""

    def __init__(self):
        super().__init__()
        self.bn = layers.BatchNormalization()

    def call(self, inputs):
        return self.bn(inputs, training=False)  # pinned on purpose


class Classifier(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn = layers.BatchNormalization()  # before the block
        self.block = PinnedBlock()
        self.drop = layers.Dropout(0.5)  # after the block

    def call(self, inputs):  # no `training` parameter, nothing passed on
        return self.drop(self.block(self.bn(inputs)))


class MCModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn_in = layers.BatchNormalization()  # before the Monte Carlo dropout
        self.mc = layers.Dropout(0.5)
        self.bn_out = layers.BatchNormalization()  # after it

    def call(self, inputs):  # no `training` parameter, nothing passed on
        h = self.mc(self.bn_in(inputs), training=True)  # dropout on, even at inference
        return self.bn_out(h)


def means(*bns):
    """The moving means of these BatchNormalization layers, copied."""
    return [bn.moving_mean.numpy().copy() for bn in bns]


def moved(bn, before):
    """Did this BatchNormalization update its moving mean since `before`?"""
    return not np.allclose(before, bn.moving_mean.numpy())


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
classifier = Classifier()
classifier(x[:1])  # a subclassed model creates its weights on the first call
start = means(classifier.bn, classifier.block.bn)
out = classifier(x, training=True)
dropped = bool(np.mean(out.numpy() == 0.0) > 0.25)
print("classifier(x, training=True):")
print("  BatchNormalization before the block updated:", moved(classifier.bn, start[0]))
print("  pinned BatchNormalization updated:", moved(classifier.block.bn, start[1]))
print("  Dropout after the block dropped units:", dropped)
assert moved(classifier.bn, start[0]), "the layer before the block should train"
assert not moved(classifier.block.bn, start[1]), "the pinned layer should not train"
assert dropped is keras2, "Keras 2 drops units here; Keras 3 switched Dropout off"

inputs = tf.keras.Input(shape=(256,))  # the same block inside a Functional model
functional = tf.keras.Model(inputs, layers.Dropout(0.5)(PinnedBlock()(inputs)))
out = functional(x, training=True)
dropped = bool(np.mean(out.numpy() == 0.0) > 0.25)
print("Functional model(x, training=True): Dropout after the block dropped:", dropped)
assert dropped, "a Functional graph hands training=True to each of its layers"

mc_model = MCModel()
mc_model(x[:1])


def report(call, first, second, start):
    """Print and check what two identical calls of mc_model did."""
    differ = not np.allclose(first.numpy(), second.numpy())
    before, after = moved(mc_model.bn_in, start[0]), moved(mc_model.bn_out, start[1])
    print(f"{call}, called twice:")
    print("  outputs differ (Monte Carlo dropout on):", differ)
    print("  BatchNormalization before the dropout updated:", before)
    print("  BatchNormalization after the dropout updated:", after)
    assert differ, "the Monte Carlo dropout should stay on"
    assert not before, "the layer before the dropout should stay in inference mode"
    assert after is not keras2, "Keras 3 trains the later layer; Keras 2 does not"


start = means(mc_model.bn_in, mc_model.bn_out)
report("mc_model(x)", mc_model(x), mc_model(x), start)
start = means(mc_model.bn_in, mc_model.bn_out)
first, second = mc_model(x, training=False), mc_model(x, training=False)
report("mc_model(x, training=False)", first, second, start)
