"""A Functional model called with training=True: where a training=False written at
build time, or inside a block, holds, it also reaches every later node of the graph; a
BatchNormalization frozen with trainable=False and given no value does not."""

import numpy as np
import tensorflow as tf
from probes import ZeroShare, trained

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
x = np.random.default_rng(0).normal(loc=2.0, size=(64, 32)).astype("float32")


class PinnedBlock(layers.Layer):
    def __init__(self):
        super().__init__()
        self.bn = layers.BatchNormalization()

    def call(self, inputs):
        return self.bn(inputs, training=False)  # <- pinned inside the block


block = PinnedBlock()
pinned_bn, frozen_bn = layers.BatchNormalization(), layers.BatchNormalization()
frozen_bn.trainable = False  # <- frozen instead: inference mode, no value handed on


def pinned_at_build(h):
    return pinned_bn(h, training=False)  # <- flip-safe: 3.15.1 replaces it (printed)


ways = {"pinned at build time": pinned_at_build, "pinned in a block": block}
ways["frozen, given no value"] = frozen_bn
seen = {}
for how, first in ways.items():
    inputs = tf.keras.Input((32,))
    later_bn, probe = layers.BatchNormalization(), ZeroShare()
    outputs = probe(layers.Dropout(0.5)(later_bn(first(inputs))))
    tf.keras.Model(inputs, outputs)(x, training=True)  # <-
    bn, zeroed = seen[how] = trained(later_bn), probe.zeroed()
    print(f"{how:<22} later BN trained {bn!s:<5} later Dropout zeroed {zeroed}")

assert not trained(block.bn) and not trained(frozen_bn), "both stay in inference"
replaced = trained(pinned_bn)
print("model(x, training=True) replaces the build-time training=False:", replaced)
pinned = (True, "about half") if replaced else (False, "none")  # the False leaks
train = (True, "about half")  # the frozen layer hands on nothing
assert seen == dict(zip(ways, [pinned, pinned, train]))
