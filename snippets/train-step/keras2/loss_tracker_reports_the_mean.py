"""What fit and evaluate report as the loss depends on what your steps return. The
batch's loss alone: 0.0 on Keras 3, the mean on Keras 2 (its compute_loss feeds the
loss it reports); with one more key: the last batch's loss on both. A
keras.metrics.Mean(name="loss") listed in `metrics`: the mean on both flavours."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it compares three ways of reporting the loss, each a model with its own
# train_step and test_step, in both evaluate and fit.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
x = np.zeros((2, 1), "float32")  # two batches of one row; the model predicts 0
y = np.array([[1.0], [3.0]], "float32")  # so the batches' losses are 1.0 and 9.0


class ReturnsLoss(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = tf.keras.layers.Dense(1, kernel_initializer="zeros")

    def call(self, inputs, training=None):
        return self.dense(inputs)

    def batch_loss(self, data, training):
        x, y = data
        return self.compute_loss(x=x, y=y, y_pred=self(x, training=training))

    def report(self, loss):
        return {"loss": loss}  # <- this batch's loss, and nothing else

    def train_step(self, data):
        with tf.GradientTape() as tape:
            loss = self.batch_loss(data, training=True)  # flip-safe: Dense has no mode
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self.report(loss)

    def test_step(self, data):
        return self.report(self.batch_loss(data, training=False))  # flip-safe: as above


class ReturnsLossAndMore(ReturnsLoss):
    def report(self, loss):
        return {"loss": loss, "batches": tf.constant(1.0)}  # <- one more key


class TracksMeanLoss(ReturnsLoss):
    def __init__(self):
        super().__init__()
        self.loss_tracker = tf.keras.metrics.Mean(name="loss")  # <-

    @property
    def metrics(self):  # <- fit and evaluate reset what this lists, each epoch
        return [self.loss_tracker]

    def report(self, loss):
        self.loss_tracker.update_state(loss)  # <- accumulates over the batches
        return {"loss": self.loss_tracker.result()}


print("tf.keras is", flavour)
seen = {}
for model in (ReturnsLoss(), ReturnsLossAndMore(), TracksMeanLoss()):
    # learning rate 0: the weights stay, so each batch's loss is known beforehand
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    batches = [(tf.constant(x[i : i + 1]), tf.constant(y[i : i + 1])) for i in (0, 1)]
    losses = [model.batch_loss(b, training=False) for b in batches]  # flip-safe: same
    mean = np.mean(losses)  # the mean of the two batches' losses: 5.0
    evaluated = model.evaluate(x, y, batch_size=1, verbose=0, return_dict=True)
    history = model.fit(x, y, batch_size=1, shuffle=False, verbose=0).history
    reported = evaluated["loss"], history["loss"][0]
    name = type(model).__name__
    print(f"{name:<18} evaluate: {reported[0]:.1f}  fit: {reported[1]:.1f}")
    seen[name] = tuple(
        "the mean" if abs(r - mean) < 1e-6 else "the last batch" if r == 9.0 else r
        for r in reported
    )
MEAN, LAST = ("the mean",) * 2, ("the last batch",) * 2
EXPECTED = {  # per model: what evaluate and the History report
    "Keras 3": {"ReturnsLoss": (0.0, 0.0), "ReturnsLossAndMore": LAST},
    "Keras 2": {"ReturnsLoss": MEAN, "ReturnsLossAndMore": LAST},
}
assert seen == {**EXPECTED[flavour], "TracksMeanLoss": MEAN}, seen
