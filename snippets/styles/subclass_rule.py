"""Keras 3 and Keras 2: when every `call` takes training=None and passes it on to each
layer that accepts one, the model trains exactly the layers meant to train, whatever
its inner layers pin or default to."""

# Long because: the rule must hold on the cases that break it elsewhere (augmentation
# in front, a pinned inner block, Monte Carlo dropout), each model called three ways and
# observed, with the expected table after the lesson.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
x = np.random.default_rng(0).normal(loc=2.0, size=(32, 8, 8, 8)).astype("float32")


class PinnedBlock(layers.Layer):
    """An inner block: BatchNormalization pinned, Dropout following the model."""

    def __init__(self):
        super().__init__()
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)

    def call(self, inputs, training=None):
        h = self.bn(inputs, training=False)  # <- pinned on purpose
        return self.drop(h, training=training)  # <-


class Classifier(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.flip = layers.RandomFlip()  # an augmentation layer
        self.bn = layers.BatchNormalization()
        self.block = PinnedBlock()

    def call(self, inputs, training=None):  # <- takes training, passes it on
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


def run(call, **bns):
    """Call twice; what happened: over a quarter of the outputs dropped to 0, the two
    outputs differ, each named BatchNormalization updated its moving mean."""
    before = {name: bn.moving_mean.numpy().copy() for name, bn in bns.items()}
    first, second = call().numpy(), call().numpy()
    facts = {"units dropped": bool(np.mean(first == 0.0) > 0.25)}
    facts["outputs differ"] = not np.allclose(first, second)
    for name, bn in bns.items():
        facts[f"{name} updated"] = not np.allclose(before[name], bn.moving_mean.numpy())
    return facts


classifier, mc_model = Classifier(), MCModel()
classifier(x[:1]), mc_model(x[:1])  # subclassed models create weights on a first call
bns = {"BN": classifier.bn, "pinned BN": classifier.block.bn}
mc_bns = {"BN before": mc_model.bn_in, "BN after": mc_model.bn_out}
seen = {
    "classifier(x, training=True)": run(lambda: classifier(x, training=True), **bns),
    "classifier(x)": run(lambda: classifier(x), **bns),
    "classifier(x, training=False)": run(lambda: classifier(x, training=False), **bns),
    "mc_model(x)": run(lambda: mc_model(x), **mc_bns),
    "mc_model(x, training=False)": run(lambda: mc_model(x, training=False), **mc_bns),
}

# In a bare classifier(x), RandomFlip receives None: Keras 3 treats it as inference;
# Keras 2 applies the layer's own default, True, so the two calls differ
BARE_FLIPS = {"Keras 3": False, "Keras 2": True}
NOTHING = {"BN updated": False, "pinned BN updated": False, "units dropped": False}
MC = {"outputs differ": True, "BN before updated": False, "BN after updated": False}
EXPECTED = {  # each call, made twice: what it did (only layers meant to train train)
    "classifier(x, training=True)": {
        **NOTHING,
        "BN updated": True,
        "units dropped": True,
    },
    "classifier(x)": {**NOTHING, "outputs differ": BARE_FLIPS[flavour]},
    "classifier(x, training=False)": {**NOTHING, "outputs differ": False},
    "mc_model(x)": MC,  # the Monte Carlo dropout stays on, no BN trains
    "mc_model(x, training=False)": MC,
}
print("tf.keras is", flavour)
for call, expected in EXPECTED.items():
    facts = {fact: seen[call][fact] for fact in expected}
    print(f"{call}, twice:")
    print("".join(f"  {fact}: {value}\n" for fact, value in facts.items()), end="")
    assert facts == expected, (call, facts)
