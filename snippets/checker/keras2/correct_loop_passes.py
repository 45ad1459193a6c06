"""A loop that passes training=True to train and training=False to evaluate passes the
checker."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

from training_state_check import check_training_state

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
batch = (rng.normal(size=(32, 6)).astype("float32"), rng.integers(0, 3, size=(32,)))


class Classifier(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(16, activation="relu")
        self.bn = tf.keras.layers.BatchNormalization()
        self.drop = tf.keras.layers.Dropout(0.4)
        self.out = tf.keras.layers.Dense(3)

    def call(self, inputs, training=None):
        h = self.bn(self.hidden(inputs), training=training)
        return self.out(self.drop(h, training=training))


model = Classifier()
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(1e-3)


@tf.function
def train_step(data):
    x, y = data
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


@tf.function
def eval_step(data):
    x, y = data
    return loss_fn(y, model(x, training=False))


keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
# raises if anything is wrong
for line in check_training_state(model, train_step, eval_step, batch):
    print(line)
