"""The model zoo: seven realistic model shapes, built offline with random weights, that
every rule on this site is checked on (Keras 3 and Keras 2)."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it builds all seven zoo shapes, each a realistic model (augmentation in
# front, nested blocks, a keras.applications base in two wrappers, MC dropout, an LSTM,
# a custom train_step), so that every rule is tried on what teams train.

import numpy as np
import tensorflow as tf

layers = tf.keras.layers
CLASSES = 3
LOSS = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


# 1. An image classifier that resizes, rescales and augments its own input, as in the
#    Keras image-classification tutorials.
def image_augmented():
    return tf.keras.Sequential(
        [
            tf.keras.Input(shape=(40, 40, 3)),
            layers.Resizing(32, 32),
            layers.Rescaling(1 / 255),
            layers.RandomFlip("horizontal"),
            layers.RandomRotation(0.1),
            layers.Conv2D(8, 3, activation="relu"),
            layers.BatchNormalization(),
            layers.GlobalAveragePooling2D(),
            layers.Dropout(0.3),
            layers.Dense(CLASSES),
        ],
        name="image_augmented",
    )


# 2. A residual network of subclassed blocks nested two deep (model > block > unit),
#    one unit per block with its BatchNormalization pinned to inference mode.
#    Written the right way: every `call` takes training=None and passes it on.
class Unit(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)
        self.bn = layers.BatchNormalization()

    def call(self, x, training=None):
        return tf.nn.relu(self.bn(self.dense(x), training=training))


class PinnedUnit(Unit):
    def call(self, x, training=None):
        # pinned on purpose (keeps its statistics, like a detector's frozen BN)
        return tf.nn.relu(self.bn(self.dense(x), training=False))


class Block(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.first = PinnedUnit(units, name="pinned")
        self.second = Unit(units)
        self.drop = layers.Dropout(0.3)

    def call(self, x, training=None):
        h = self.first(x, training=training)
        h = self.second(h, training=training)
        return x + self.drop(h, training=training)


class ResidualNet(tf.keras.Model):
    def __init__(self, units=16, block=Block, **kwargs):
        super().__init__(**kwargs)
        self.stem = layers.Dense(units)
        self.blocks = [block(units), block(units)]
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.3)
        self.head = layers.Dense(CLASSES)

    def call(self, x, training=None):
        h = self.stem(x)
        for block in self.blocks:
            h = block(h, training=training)
        h = self.bn(h, training=training)
        return self.head(self.drop(h, training=training))


def nested_blocks():
    return ResidualNet(name="nested_blocks")


# 3. Transfer learning, Functional wrapper, fine-tuning stage (keras.io's guide):
#    a keras.applications base (random weights here) unfrozen, its BN kept frozen.
def pretrained_base():
    return tf.keras.applications.MobileNetV3Small(
        input_shape=(32, 32, 3),
        alpha=0.75,
        minimalistic=True,
        include_top=False,
        weights=None,
    )


def unfreeze_for_fine_tuning(base):
    """Unfreeze the base, but keep its BatchNormalization layers frozen (the fix)."""
    base.trainable = True
    for layer in base.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False


def functional_fine_tuning():
    base = pretrained_base()
    base.trainable = False  # first the new head is trained on a frozen base...
    unfreeze_for_fine_tuning(base)  # ...then the base is fine-tuned
    inputs = tf.keras.Input(shape=(32, 32, 3))
    h = layers.GlobalAveragePooling2D()(base(inputs))
    h = layers.Dropout(0.2)(h)
    outputs = layers.Dense(CLASSES)(h)
    return tf.keras.Model(inputs, outputs, name="functional_fine_tuning")


# 4. The same fine-tuning stage, written as a subclassed model around the base.
class FineTuner(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.base = pretrained_base()
        unfreeze_for_fine_tuning(self.base)
        self.pool = layers.GlobalAveragePooling2D()
        self.drop = layers.Dropout(0.2)
        self.head = layers.Dense(CLASSES)

    def call(self, x, training=None):
        h = self.pool(self.base(x, training=training))
        return self.head(self.drop(h, training=training))


def subclass_fine_tuning():
    return FineTuner(name="subclass_fine_tuning")


# 5. Monte Carlo dropout for uncertainty estimates: dropout stays on at prediction
#    time, through a Dropout subclass, so BatchNormalization is left alone.
class MCDropout(layers.Dropout):
    def call(self, inputs, training=None):
        return super().call(inputs, training=True)  # on, whatever the model's mode


def mc_dropout():
    inputs = tf.keras.Input(shape=(16,))
    h = layers.Dense(32, activation="relu")(inputs)
    h = MCDropout(0.3)(h)
    h = layers.BatchNormalization()(layers.Dense(32)(h))
    h = MCDropout(0.3)(layers.ReLU()(h))
    return tf.keras.Model(inputs, layers.Dense(CLASSES)(h), name="mc_dropout")


# 6. A sequence classifier (sensor data): an LSTM with input and recurrent dropout,
#    followed by BatchNormalization.
def recurrent():
    return tf.keras.Sequential(
        [
            tf.keras.Input(shape=(12, 4)),
            layers.LSTM(16, dropout=0.2, recurrent_dropout=0.2),
            layers.BatchNormalization(),
            layers.Dense(CLASSES),
        ],
        name="recurrent",
    )


# 7. A model with its own train_step, trained through fit (keras.io's "customizing
#    what happens in fit()").
class CustomStepNet(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(32)
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.3)
        self.head = layers.Dense(CLASSES)

    def call(self, x, training=None):
        h = tf.nn.relu(self.bn(self.hidden(x), training=training))
        return self.head(self.drop(h, training=training))

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss}


def custom_train_step():
    model = CustomStepNet(name="custom_train_step")
    model.compile(optimizer="sgd", loss=LOSS)
    return model


SHAPES = {
    "image_augmented": image_augmented,
    "nested_blocks": nested_blocks,
    "functional_fine_tuning": functional_fine_tuning,
    "subclass_fine_tuning": subclass_fine_tuning,
    "mc_dropout": mc_dropout,
    "recurrent": recurrent,
    "custom_train_step": custom_train_step,
}
INPUT_SHAPES = {
    "image_augmented": (40, 40, 3),
    "nested_blocks": (16,),
    "functional_fine_tuning": (32, 32, 3),
    "subclass_fine_tuning": (32, 32, 3),
    "mc_dropout": (16,),
    "recurrent": (12, 4),
    "custom_train_step": (16,),
}


def make_batch(name, n=8, seed=0):
    """A batch (x, y) of synthetic data for shape `name`: images in [0, 255]."""
    rng = np.random.default_rng(seed)
    shape = (n, *INPUT_SHAPES[name])
    high = 255.0 if len(shape) == 4 else 1.0
    x = rng.uniform(0, high, size=shape).astype("float32")
    return x, rng.integers(0, CLASSES, size=n)


def build(name, builder=None):
    """A fresh model of shape `name` (made by `builder` if given), built by one call."""
    model = (builder or SHAPES[name])()
    x, _ = make_batch(name, n=2)
    model(x, training=False)  # flip-safe: only creates the weights, never measured
    return model


# What a layer is, for the tables of the zoo's snippets (snippets/zoo/observe.py holds
# how they observe what a run did to each layer).
def all_layers(model):
    """Every layer inside `model`, nested ones included (private API, Keras 2 and 3)."""
    return model._flatten_layers(include_self=False, recursive=True)


def kind(layer):
    """What a layer is, for the tables (None: its mode changes nothing)."""
    if isinstance(layer, layers.BatchNormalization):
        return "BN"
    if isinstance(layer, MCDropout):
        return "MC dropout"
    if isinstance(layer, layers.Dropout):
        return "Dropout"
    if isinstance(layer, layers.RNN) and (layer.dropout or layer.recurrent_dropout):
        return "RNN dropout"
    if type(layer).__name__.startswith("Random"):
        return "augmentation"
    if type(layer).__name__ in ("Resizing", "Rescaling", "CenterCrop"):
        return "preprocessing"
    return None


if __name__ == "__main__":
    tf.keras.utils.set_random_seed(0)
    print("layers by kind (BN, Dropout incl. MC, augmentation, preprocessing, RNN with")
    print("dropout), frozen layers, then one fit step and two predicts:")
    print(
        f"{'shape':<23} {'layers':>6} {'BN':>3} {'drop':>4} {'aug':>3} {'pre':>3} "
        f"{'rnn':>3} {'frozen':>6}  {'fit updates BN':>14}  {'predicts repeat':>15}"
    )
    for name in SHAPES:
        model = build(name)
        x, y = make_batch(name)
        kinds = [kind(layer) for layer in all_layers(model)]
        frozen = sum(not layer.trainable for layer in all_layers(model))
        bns = [layer for layer in all_layers(model) if kind(layer) == "BN"]
        before = [bn.moving_mean.numpy() + bn.moving_variance.numpy() for bn in bns]
        model.compile(optimizer="sgd", loss=LOSS)
        model.fit(x, y, batch_size=8, verbose=0)
        after = [bn.moving_mean.numpy() + bn.moving_variance.numpy() for bn in bns]
        moved = sum(not np.array_equal(b, a) for b, a in zip(before, after))
        updated = f"{moved} of {len(bns)}"
        first = model.predict(x, verbose=0)
        assert first.shape == (len(x), CLASSES) and np.isfinite(first).all()
        repeats = bool(np.allclose(first, model.predict(x, verbose=0)))
        assert repeats is ("MC dropout" not in kinds), "only MC dropout varies predict"
        drops = kinds.count("Dropout") + kinds.count("MC dropout")
        print(
            f"{name:<23} {len(kinds):>6} {kinds.count('BN'):>3} {drops:>4} "
            f"{kinds.count('augmentation'):>3} {kinds.count('preprocessing'):>3} "
            f"{kinds.count('RNN dropout'):>3} {frozen:>6}  {updated:>14}  "
            f"{repeats!s:>15}"
        )
