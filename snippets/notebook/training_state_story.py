# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The whole story in one notebook
#
# BatchNormalization and Dropout behave differently while a model trains and while it
# predicts. `fit` and `evaluate` tell them which is which; a training loop you write
# yourself has to tell them on every call. This notebook walks through the whole
# argument once, on a CPU, in well under a minute: why the state matters, how to set it,
# what it costs to forget it (with plots), and which value wins when several are given.
# Each behaviour it shows is checked by an `assert`, so the notebook stops with an error
# if one of them ever changes.
#
# It uses Keras 3, which is what `tf.keras` means in TensorFlow 2.16 and later.

# %%
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib.lines import Line2D

print("TensorFlow", tf.__version__, "| Keras", tf.keras.__version__)
assert tf.keras.__version__.startswith("3."), "this notebook is about Keras 3"

# %% [markdown]
# ## Why the state matters
#
# In *training* mode a BatchNormalization layer normalises each batch with that batch's
# own mean and variance, and moves its `moving_mean` and `moving_variance` a step
# towards them. In *inference* mode it normalises with those moving statistics instead
# and leaves them alone. A fresh layer starts with a moving mean of 0 and a moving
# variance of 1, so in inference mode it hardly changes its input at all.
#
# Dropout zeroes a random share of its inputs in training mode (and scales the survivors
# up); in inference mode it passes everything through.
#
# Below, the same batch (mean about 5) goes through both layers in both modes.

# %%
tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
batch = rng.normal(loc=5.0, scale=2.0, size=(256, 4)).astype("float32")

bn = tf.keras.layers.BatchNormalization()
dropout = tf.keras.layers.Dropout(0.5)

results = {}
for training in (False, True):
    bn_mean = float(np.mean(bn(batch, training=training)))
    zeroed = float(np.mean(dropout(batch, training=training) == 0.0))
    centred = abs(bn_mean) < 0.01  # the output mean, centred by batch statistics?
    share = "none" if zeroed == 0.0 else "about half" if 0.4 < zeroed < 0.6 else "other"
    results[training] = bn_mean, centred, share
    print(
        f"training={training!s:<5}  BN output centred on 0: {centred!s:<5}"
        f"   Dropout zeroed: {share}"
    )

# inference: moving stats 0 / 1, so the input passes almost unchanged; nothing dropped
assert results[False][0] > 4.5 and results[False][2] == "none"
# training: batch statistics centre the output; about half of the inputs dropped
assert results[True][1] and results[True][2] == "about half"

# %% [markdown]
# ## Set it with the training argument
#
# You choose the mode with the `training` argument when you call a model, and the model
# passes the value on to the layers inside it. In a hand-written loop that means:
#
# - in the train step, call `model(x, training=True)`;
# - when you evaluate or predict, call `model(x, training=False)`.
#
# Leaving it out is the same as passing `training=None`, and for these two layers `None`
# means inference. A train step that says `model(x)` therefore trains a model whose
# BatchNormalization never uses batch statistics and never updates its moving
# statistics, and whose Dropout never drops. Nothing warns you. The next section
# measures what that costs.
#
# The reverse does not hold: a bare `model(x)` is not a safe way to evaluate. The
# `Random*` augmentation layers default to `training=True`, and on Keras 3 so do
# `Resizing` and `CenterCrop`; behind a `Random*` layer a bare call augments the
# evaluation data, and on Keras 3, behind any of them (`Resizing` and `CenterCrop` do
# not augment, but their `True` reaches the layers after them), it trains
# BatchNormalization on it. Evaluate with `model(x, training=False)` inside a step, or
# `predict()` on a whole dataset ([why](../why/#bare-call)).

# %% [markdown]
# ## The cost of forgetting
#
# The data: 8 features that sit far from zero (centres between 20 and 60, spreads
# between 2 and 10). The label depends on the signs of the *centred* features, so the
# network has to find the centre of the data before it can learn anything. Normalisation
# is exactly what makes that easy.

# %%
rng = np.random.default_rng(0)
centre, spread = rng.uniform(20, 60, size=8), rng.uniform(2, 10, size=8)


def make_data(n):
    z = rng.normal(size=(n, 8))
    labels = (z[:, 0] * z[:, 1] + z[:, 2] * z[:, 3] > 0).astype("int32")
    return (centre + spread * z).astype("float32"), labels


x_train, y_train = make_data(2048)
x_test, y_test = make_data(1024)
print(
    "every feature mean between 20 and 60:",
    bool(np.all((x_train.mean(axis=0) > 20) & (x_train.mean(axis=0) < 60))),
)

# %% [markdown]
# The model and the loop are identical for both runs, with one exception: the line that
# calls the model in the train step. After every step we record the loss and the moving
# statistics of the first three BatchNormalization units; after every epoch we evaluate
# on the test set, always with `training=False`.

# %%
EPOCHS, TRACKED_UNITS = 20, 3
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def evaluate(model):
    bn_stats = model.layers[1].moving_mean.numpy().copy()
    logits = model(x_test, training=False)
    assert np.array_equal(bn_stats, model.layers[1].moving_mean.numpy()), (
        "evaluation should leave BatchNormalization's moving statistics alone"
    )
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y_test))
    return accuracy, float(loss_fn(y_test, logits))


def coarse(accuracy):
    """A bin far from the value, so every machine prints the same text."""
    return "above 0.85" if accuracy > 0.85 else "below 0.70" if accuracy < 0.7 else "?"


def train(say_training):
    tf.keras.utils.set_random_seed(0)  # same initial weights and batches in both runs
    model = tf.keras.Sequential(
        [
            tf.keras.Input((8,)),
            tf.keras.layers.Dense(64),
            tf.keras.layers.BatchNormalization(momentum=0.9),
            tf.keras.layers.ReLU(),
            tf.keras.layers.Dropout(0.2),
            tf.keras.layers.Dense(2),
        ]
    )
    bn = model.layers[1]
    optimizer = tf.keras.optimizers.Adam(1e-3)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            if say_training:
                logits = model(x, training=True)
            else:
                logits = model(x)  # forgotten: training=None, i.e. inference mode
            loss = loss_fn(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    history = dict(loss=[], moving_mean=[], moving_variance=[], test_accuracy=[])
    batches = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    batches = batches.shuffle(2048, seed=0).batch(64)
    for _ in range(EPOCHS):
        for x, y in batches:
            history["loss"].append(float(train_step(x, y)))
            for name in ("moving_mean", "moving_variance"):
                history[name].append(getattr(bn, name).numpy()[:TRACKED_UNITS].copy())
        history["test_accuracy"].append(evaluate(model)[0])
    return model, {key: np.array(values) for key, values in history.items()}


runs = {"model(x, training=True)": train(True), "model(x)": train(False)}


def untouched(bn):
    """True while the moving statistics still hold their initial values."""
    return bool(
        np.all(bn.moving_mean.numpy() == 0.0)
        and np.all(bn.moving_variance.numpy() == 1.0)
    )


print(f"{'train step calls':<24} {'test accuracy':>13}  BN moving stats still 0 / 1")
for label, (model, _) in runs.items():
    accuracy, _ = evaluate(model)
    print(f"{label:<24} {coarse(accuracy):>13}  {untouched(model.layers[1])}")

(right_model, right), (forgot_model, forgot) = runs.values()
assert untouched(forgot_model.layers[1]) and not untouched(right_model.layers[1])
assert evaluate(right_model)[0] > 0.85
assert evaluate(right_model)[0] - evaluate(forgot_model)[0] > 0.2

# %% [markdown]
# The run that forgot `training=True` ends far behind, and its curves show that this is
# not a train/test mismatch: it learns badly from the first step. In inference mode its
# BatchNormalization used the initial moving statistics (mean 0, variance 1), so it
# never centred or rescaled the activations by the data: only its learned scale and
# offset (`gamma`, `beta`) applied. The loss starts high, and the network has to learn
# the centring itself, slowly, through its biases; Dropout never dropped either. (Each
# curve on the left is the loss its own train step computed: with batch statistics and
# Dropout for the first run, in inference mode for the second. The loss axis is
# logarithmic.)
#
# How much forgetting costs depends on the data. Here the features sit far from zero, so
# the real statistics of BatchNormalization's input are far from the 0 and 1 the
# forgetful run keeps using. Standardise the same features and the forgetful run ends
# about as good as the other: [The cost of forgetting](../cost/#what-drives-the-cost)
# measures both settings.

# %% alt="Left: training loss per step, log scale; the forgetful run starts near 10 and levels off around 0.6, above the other run. Right: test accuracy per epoch; the run with training=True climbs above 0.9, the forgetful run stays near 0.6."
steps_per_epoch = len(right["loss"]) // EPOCHS


def smooth(values, width=steps_per_epoch):
    return np.convolve(values, np.ones(width) / width, mode="valid")


fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
for label, (_, history) in runs.items():
    ax_loss.plot(smooth(history["loss"]), label=label)
    epochs = np.arange(1, EPOCHS + 1)
    ax_acc.plot(epochs, history["test_accuracy"], marker="o", label=label)
ax_loss.set(
    title=f"Training loss (mean of the last {steps_per_epoch} steps)",
    xlabel="step",
    ylabel="loss",
    yscale="log",
)
ax_acc.set(
    title="Test accuracy after each epoch (training=False)",
    xlabel="epoch",
    ylabel="accuracy",
)
ax_acc.axhline(0.5, color="grey", linestyle=":", label="chance")
for ax in (ax_loss, ax_acc):
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The moving statistics tell the same story from the inside (three of the 64 units
# shown). With `training=True` they jump within a few dozen steps to the mean and
# variance of each unit's input, then follow them as the weights of the `Dense` layer
# below keep changing; these are the values `training=False` uses at test time. Without
# it they are still exactly 0 and 1 after 640 steps (the dashed lines lie on top of each
# other): the layer never saw a single batch in training mode.

# %% alt="Moving mean and moving variance of three BatchNormalization units over 640 steps. With training=True they move away from 0 and 1 within a few dozen steps and then drift with the weights; the forgetful run's dashed lines stay flat at exactly 0 and 1."
fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
styles = dict(
    zip(runs, ["-", "--"], strict=True)
)  # solid: training=True, dashed: forgotten
for label, (_, history) in runs.items():
    for ax, name in zip(axes, ["moving_mean", "moving_variance"], strict=True):
        for unit in range(TRACKED_UNITS):
            ax.plot(history[name][:, unit], styles[label], color=f"C{unit}")
        ax.set(title=f"BatchNormalization {name}", xlabel="step")
        ax.grid(alpha=0.3)
key = [
    Line2D([], [], color=f"C{unit}", label=f"unit {unit}")
    for unit in range(TRACKED_UNITS)
]
key += [
    Line2D([], [], color="black", linestyle=style, label=label)
    for label, style in styles.items()
]
fig.legend(handles=key, loc="lower center", ncol=len(key))
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

assert np.all(forgot["moving_mean"] == 0.0) and np.all(forgot["moving_variance"] == 1.0)
assert np.abs(right["moving_mean"]).max() > 1.0 and right["moving_variance"].max() > 2.0

# %% [markdown]
# ## Which value wins
#
# When several places could decide the mode, Keras consults them in a fixed order. A
# `training` value written on a layer's own call inside a running `call` (a subclass)
# beats the value its model was called with. In a Functional model, Keras 3 treats a
# value written while *building* the graph differently: a `True` or `False` given to
# the model call replaces it, and only a bare call keeps it
# ([the exception](../precedence/#each-rung-proven)). The
# model's value is passed down to the layers inside it that are called without one; and
# when nobody says anything, the layer's own default applies: inference for
# BatchNormalization and Dropout, training for the augmentation layers (and, on Keras 3,
# `Resizing` and `CenterCrop`): see
# [the built-in defaults](../precedence/#builtin-defaults). One override sits above all
# of this: a BatchNormalization layer with `trainable=False` always runs in inference
# mode, even under `training=True` (Dropout has no such switch), once the step that
# calls it is compiled or traced after the change: compile again after changing
# `trainable` ([changed `trainable`](../pitfalls/#trainable-after-compile)). Keras 2
# also had a global learning phase, consulted only when no call gave a value; Keras 3
# removed it.
# Keras 3 has one trap: once a layer inside a model is given an explicit value, later
# layers called without one pick up that value instead of the model's, so every `call`
# you write takes `training=None` and passes `training=training` on
# ([the subclass rule](../styles/#subclass-rule)). The cell below checks the three rules
# this notebook relies on.

# %%
tf.keras.utils.set_random_seed(0)


class Pinned(tf.keras.Model):
    """A model whose BatchNormalization call says training=False itself."""

    def __init__(self):
        super().__init__()
        self.bn = tf.keras.layers.BatchNormalization()

    def call(self, x, training=None):
        return self.bn(x, training=False)


def moved(bn_layer):
    return bool(np.any(bn_layer.moving_mean.numpy() != 0.0))


def bn_model():
    layers = [tf.keras.Input((4,)), tf.keras.layers.BatchNormalization()]
    return tf.keras.Sequential(layers)


plain, frozen = bn_model(), bn_model()
frozen_bn = frozen.layers[0]
frozen_bn.trainable = False
pinned = Pinned()
for model in (plain, frozen, pinned):
    model(batch, training=True)

checks = {
    "model(x, training=True) reaches the layer inside": moved(plain.layers[0]),
    "an explicit training=False on the layer call wins": not moved(pinned.bn),
    "BatchNormalization(trainable=False) stays in inference": not moved(frozen_bn),
}
for rule, holds in checks.items():
    print(f"{rule:<56} {holds}")
assert all(checks.values())

# %% [markdown]
# ## Where to go next
#
# Each step above has its own page on the site, with smaller examples and the Keras 2
# differences:
#
# - [Why it matters](../why/): the two layers, one mode at a time.
# - [Setting the state](../setting/): every way to pass `training`.
# - [Precedence rule](../precedence/): the full order, including nested and subclassed
#   models.
# - [How to train and test](../train-and-test/#recipe): a complete loop to copy.
# - [Pitfalls](../pitfalls/): the mistakes that do not raise an error.
# - [The cost of forgetting](../cost/): the experiment above as a single script, with
#   standardised features too.
# - [Check your own loop](../checker/): find the places where your loop forgets.
