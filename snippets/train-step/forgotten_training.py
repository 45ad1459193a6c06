"""A train_step that calls self(x) without training=True trains with BatchNormalization
and Dropout in inference mode: fit does not switch them on for you."""

import numpy as np
import tensorflow as tf
from watched_model import build, x, y

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"


class Classifier(tf.keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x)  # <- training=True forgotten
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss, "dropped": self.get_layer("zeros").share}


model, bn = build(Classifier)
history = model.fit(x, y, batch_size=32, epochs=2, verbose=0)  # <-
bn_trained = bool(np.any(bn.moving_mean.numpy() != 0.0))  # a new BN starts at 0
dropped = history.history["dropped"]
print("tf.keras is", flavour)
print("fit: BN moving statistics changed:", bn_trained)
print("fit: Dropout dropped anything:", any(share > 0 for share in dropped))
assert not bn_trained, "BN ran in inference mode in every training step"
assert all(share == 0 for share in dropped), "Dropout was off in every training step"
