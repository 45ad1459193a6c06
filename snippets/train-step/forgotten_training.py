"""A train_step that calls self(x) without training=True trains with BatchNormalization
and Dropout in inference mode: fit does not switch them on for you."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (64, 8)).astype("float32")
y = (x.sum(axis=1) > 40).astype("float32")


class ZeroShare(layers.Layer):
    """Passes its input through; records the share of zeros in it (works inside fit)."""

    def build(self, input_shape):
        self.share = self.add_weight(
            name="share", shape=(), initializer="zeros", trainable=False
        )

    def call(self, inputs):
        self.share.assign(tf.reduce_mean(tf.cast(tf.equal(inputs, 0.0), "float32")))
        return inputs


class Classifier(tf.keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x)  # training=True forgotten
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss, "dropped": self.get_layer("zeros").share}


inputs = tf.keras.Input((8,))
h = layers.BatchNormalization()(layers.Dense(16)(inputs))
h = ZeroShare(name="zeros")(layers.Dropout(0.5)(h))
model = Classifier(inputs, layers.Dense(1, activation="sigmoid")(h))
model.compile(optimizer="adam", loss="binary_crossentropy")
bn = model.layers[2]
history = model.fit(x, y, batch_size=32, epochs=2, verbose=0)

bn_trained = bool(np.any(bn.moving_mean.numpy() != 0.0))  # a new BN starts at 0
dropped = history.history["dropped"]
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("fit: BN moving statistics changed:", bn_trained)
print("fit: Dropout dropped anything:", any(share > 0 for share in dropped))
assert not bn_trained, "BN ran in inference mode in every training step"
assert all(share == 0 for share in dropped), "Dropout was off in every training step"
