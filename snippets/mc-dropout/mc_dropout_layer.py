"""A Dropout subclass whose call forces training=True gives Monte Carlo dropout on
both flavours while every BatchNormalization stays in inference mode, untouched."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
layers = tf.keras.layers
new_x = np.random.default_rng(0).normal(5.0, 2.0, (16, 8)).astype("float32")


class MCDropout(layers.Dropout):
    """Dropout that stays on whatever mode the model runs in: Monte Carlo dropout."""

    def call(self, inputs, training=None):
        return super().call(inputs, training=True)


class WatchedBN(layers.BatchNormalization):
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


def mc_layers():
    """BN before and after the Monte Carlo dropout."""
    return [
        layers.Dense(16, activation="relu"),
        WatchedBN(),
        MCDropout(0.3),
        layers.Dense(16),
        WatchedBN(),
        layers.Dense(1),
    ]


def functional():
    inputs = h = tf.keras.Input((8,))
    for layer in mc_layers():
        h = layer(h)
    return tf.keras.Model(inputs, h)


class Subclassed(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden, self.bn1, self.mc, self.dense, self.bn2, self.head = mc_layers()

    def call(self, inputs, training=None):  # passes `training` on to every layer
        h = self.bn1(self.hidden(inputs), training=training)
        h = self.mc(h, training=training)  # MCDropout ignores it: always on
        h = self.bn2(self.dense(h), training=training)
        return self.head(h)


models = {
    "Sequential": tf.keras.Sequential([tf.keras.Input((8,)), *mc_layers()]),
    "Functional": functional(),
    "subclassed": Subclassed(),
}
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
for style, model in models.items():
    model.run_eagerly = True  # so WatchedBN can show its values inside predict() too
    bns = [layer for layer in model.layers if isinstance(layer, WatchedBN)]
    print(style)
    for call in ("model(x)", "model(x, training=False)", "model.predict(x)"):
        if call == "model(x)":
            first, second = model(new_x), model(new_x)
        elif call == "model(x, training=False)":
            first, second = model(new_x, training=False), model(new_x, training=False)
        else:
            first = model.predict(new_x, verbose=0)
            second = model.predict(new_x, verbose=0)
        vary = not np.allclose(first, second)
        # a new BN starts with moving_mean == 0; predicting must leave it there
        untouched = all(np.all(bn.moving_mean.numpy() == 0.0) for bn in bns)
        moving_used = all(used_moving_statistics(bn) for bn in bns)
        print(
            f"  {call:<24} vary: {vary!s:<5} BN untouched: {untouched!s:<5} "
            f"BN used moving stats: {moving_used}"
        )
        assert vary, "MCDropout should drop units in every call"
        assert untouched, "predicting should not change the BN moving statistics"
        assert moving_used, "BN should normalise with its moving statistics"
