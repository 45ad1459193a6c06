"""Keras 3: for every model style and `training` value, BatchNormalization and
Dropout train exactly when the model is called with training=True."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
data = np.random.default_rng(0).normal(size=(8, 8, 8, 3)).astype("float32")
layers = tf.keras.layers


def sequential():
    return tf.keras.Sequential([
        tf.keras.Input(shape=data.shape[1:]),
        layers.Conv2D(16, 3),
        layers.BatchNormalization(),
        layers.Dropout(0.5),
    ])


def functional():
    inputs = tf.keras.Input(shape=data.shape[1:])
    outputs = layers.Dropout(0.5)(
        layers.BatchNormalization()(layers.Conv2D(16, 3)(inputs))
    )
    return tf.keras.Model(inputs, outputs)


class Subclass(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(16, 3)
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)

    def call(self, inputs):  # no `training` parameter
        return self.drop(self.bn(self.conv(inputs)))


def run(model, kwargs):
    """Call `model` once; return (BN updated its moving mean, Dropout dropped units)."""
    # Make sure the weights exist (a subclassed model creates them on its first call).
    model(data[:1])
    bn = next(
        layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)
    )
    before = bn.moving_mean.numpy().copy()
    out = model(data, **kwargs).numpy()
    bn_updated = not np.allclose(before, bn.moving_mean.numpy())
    dropped = bool(np.mean(out == 0.0) > 0.25)
    return bn_updated, dropped


builders = {"Sequential": sequential, "Functional": functional, "Subclass": Subclass}
yes_no = {True: "yes", False: "no"}
print("| style      | training | BN updated | Dropout dropped |")
print("|------------|----------|------------|-----------------|")
for style, build in builders.items():
    for training in ["omitted", None, True, False]:
        kwargs = {} if training == "omitted" else {"training": training}
        bn_updated, dropped = run(build(), kwargs)
        print(
            f"| {style:<10} | {str(training):<8} | "
            f"{yes_no[bn_updated]:<10} | {yes_no[dropped]:<15} |"
        )
        assert bn_updated == dropped == (training is True), (style, training)
