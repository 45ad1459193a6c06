"""A minimal custom loop: the @tf.function train step passes training=True, the test
step training=False."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(loc=2.0, size=(192, 10)).astype("float32")
y = (x[:, :5].sum(axis=1) > 10.0).astype("int32")  # a learnable synthetic label
train_ds = tf.data.Dataset.from_tensor_slices((x[:128], y[:128])).batch(32)
test_ds = tf.data.Dataset.from_tensor_slices((x[128:], y[128:])).batch(32)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(10,)),
    tf.keras.layers.Dense(16),
    tf.keras.layers.BatchNormalization(momentum=0.9),  # default 0.99 needs more steps
    tf.keras.layers.ReLU(),
    tf.keras.layers.Dropout(0.3),
    tf.keras.layers.Dense(2),
])
bn = model.layers[1]
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(0.01)


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        # BN: batch statistics + update the moving ones; Dropout on
        logits = model(xb, training=True)
        loss = loss_fn(yb, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


@tf.function
def test_step(xb, yb):
    logits = model(xb, training=False)  # BN: moving statistics, untouched; Dropout off
    return loss_fn(yb, logits), tf.argmax(logits, axis=1, output_type=tf.int32)


def moving_mean():
    return bn.moving_mean.numpy().copy()


for epoch in range(1, 4):
    moved = 0
    for xb, yb in train_ds:
        before = moving_mean()
        train_step(xb, yb)
        moved += not np.allclose(before, moving_mean())

    frozen = moving_mean()
    for xb, yb in test_ds:
        _, pred_a = test_step(xb, yb)
        _, pred_b = test_step(xb, yb)  # same batch again: Dropout off, so same answer
        assert np.array_equal(pred_a, pred_b), "evaluation is not deterministic"
    stayed = np.allclose(frozen, moving_mean())

    print(
        f"epoch {epoch}: train steps that moved BN stats {moved}/4, "
        f"evaluation left them alone: {stayed}, "
        f"moving_mean[:3] {np.round(frozen[:3], 2)}"
    )
    assert moved == 4, (
        "a training step did not update BatchNormalization's moving statistics"
    )
    assert stayed, "evaluation changed BatchNormalization's moving statistics"
