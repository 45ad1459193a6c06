"""The checker passes a correct loop: augmentation in front, a nested block, a frozen
BatchNormalization, a noise layer and a custom layer it has never seen, each in the
mode its step wants (pip install the checker first: see the checker page)."""

import numpy as np
import tensorflow as tf
from training_state_check import check_training_state


class Jitter(tf.keras.layers.Layer):
    """A custom layer: adds noise while training."""

    def call(self, x, training=None):
        return x + tf.random.normal(tf.shape(x)) if training else x


tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.uniform(size=(16, 8, 8, 3)).astype("float32")
y = rng.integers(0, 2, size=(16,))
frozen_bn = tf.keras.layers.BatchNormalization(name="frozen_bn")
frozen_bn.trainable = False
block = tf.keras.Sequential(
    [
        tf.keras.layers.Conv2D(4, 3),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.ReLU(),
        frozen_bn,
    ],
    name="block",
)
model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(8, 8, 3)),
        tf.keras.layers.RandomFlip("horizontal"),
        block,
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.GaussianNoise(0.1),
        Jitter(),
        tf.keras.layers.Dropout(0.3),
        tf.keras.layers.Dense(2),
    ]
)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(0.01)


@tf.function
def train_step(data):
    xb, yb = data
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))  # <-
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


@tf.function
def eval_step(data):
    return model(data[0], training=False)  # <-


report = check_training_state(model, train_step, eval_step, (x, y))  # <- fails if wrong
print(report)
