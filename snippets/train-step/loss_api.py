"""compute_loss works in a train_step on both flavours; compiled_loss is deprecated on
Keras 3, and there fit reports a loss of 0 unless train_step returns the loss itself."""

import warnings

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (64, 8)).astype("float32")
y = (x.sum(axis=1) > 40).astype("float32")


class CompiledLoss(tf.keras.Model):
    """The Keras 2 way: compiled_loss and compiled_metrics."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class ComputeLoss(tf.keras.Model):
    """compute_loss, then the metrics from compute_metrics."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self.compute_metrics(x, y, y_pred, None)


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
seen = {}
for model_class in (CompiledLoss, ComputeLoss):
    inputs = tf.keras.Input((8,))
    h = layers.BatchNormalization()(layers.Dense(16)(inputs))
    model = model_class(inputs, layers.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    bn = model.layers[2]
    bn_trained = bool(np.any(bn.moving_mean.numpy() != 0.0))  # a new BN starts at 0
    deprecated = any("deprecated" in str(w.message) for w in caught)
    loss_zero = history.history["loss"][-1] == 0.0
    seen[model_class.__name__] = bn_trained, deprecated, loss_zero
    print(
        f"{model_class.__name__:<12} BN trained: {bn_trained}  deprecation warning: "
        f"{deprecated!s:<5} fit reports loss 0.0: {loss_zero}"
    )

assert seen["CompiledLoss"] == (True, not keras2, False), (
    "compiled_loss trains on both flavours, with a deprecation warning on Keras 3"
)
assert seen["ComputeLoss"] == (True, False, not keras2), (
    "compute_loss trains on both; on Keras 3 fit's loss stays 0 unless you return it"
)
