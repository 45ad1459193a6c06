"""The recipe: the train step calls model(x, training=True), the test step
model(x, training=False); BatchNormalization and Dropout follow (Keras 3 and 2)."""

# Long because: it is the whole recipe as a loop a reader can run (data, a subclassed
# model, a traced train step and test step) with a check of all four halves of the
# recipe in every step.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(loc=2.0, size=(192, 10)).astype("float32")
y = (x[:, :5].sum(axis=1) > 10.0).astype("int32")  # a learnable synthetic label
train_ds = tf.data.Dataset.from_tensor_slices((x[:128], y[:128])).batch(32)
test_ds = tf.data.Dataset.from_tensor_slices((x[128:], y[128:])).batch(32)


class CountingDropout(tf.keras.layers.Dropout):
    """Dropout that also stores the share of units it zeroed in its last call, so this
    script can check it. In your own model, use tf.keras.layers.Dropout."""

    def __init__(self, rate):
        super().__init__(rate)
        self.zeroed = tf.Variable(0.0, trainable=False)

    def call(self, inputs, training=None):
        outputs = super().call(inputs, training=training)
        kept = tf.math.count_nonzero(outputs, dtype=tf.float32)
        self.zeroed.assign(1.0 - kept / tf.math.count_nonzero(inputs, dtype=tf.float32))
        return outputs


class Classifier(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(16)
        self.bn = tf.keras.layers.BatchNormalization(momentum=0.9)
        self.drop = CountingDropout(0.5)
        self.out = tf.keras.layers.Dense(2)

    def call(self, x, training=None):  # <- take `training`, pass it on to every layer
        h = tf.nn.relu(self.bn(self.hidden(x), training=training))
        return self.out(self.drop(h, training=training))


model = Classifier()
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(0.01)


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        logits = model(xb, training=True)  # <- BN: batch stats, updated; Dropout on
        loss = loss_fn(yb, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))


@tf.function
def test_step(xb):
    logits = model(xb, training=False)  # <- BN: moving stats, untouched; Dropout off
    return tf.argmax(logits, axis=1, output_type=tf.int32)


test_step(x[:32])  # a first call creates the weights and BN's moving statistics
for epoch in range(1, 4):
    updated = dropped = 0
    for xb, yb in train_ds:
        before = model.bn.moving_mean.numpy().copy()
        train_step(xb, yb)
        updated += not np.array_equal(before, model.bn.moving_mean.numpy())
        dropped += 0.3 < model.drop.zeroed.numpy() < 0.7  # about half of the units
    untouched = idle = 0
    for xb, _ in test_ds:
        before = model.bn.moving_mean.numpy().copy()
        test_step(xb)
        untouched += np.array_equal(before, model.bn.moving_mean.numpy())
        idle += model.drop.zeroed.numpy() == 0.0
    print(
        f"epoch {epoch}  train steps: BN updated {updated}/4, "
        f"Dropout dropped about half {dropped}/4"
    )
    print(
        f"         test steps:  BN untouched {untouched}/2, "
        f"Dropout dropped nothing {idle}/2"
    )
    assert updated == 4, "every train step should update BN's moving statistics"
    assert dropped == 4, "Dropout should drop about half its units in every train step"
    assert untouched == 2, "evaluation should leave BN's moving statistics alone"
    assert idle == 2, "Dropout should drop nothing at evaluation"
