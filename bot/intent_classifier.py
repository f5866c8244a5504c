"""Intent classifier: a linear support-vector machine on the sparse and dense sentence features.

Why not DIET: on the same features and the same five folds, DIET reached intent macro-F1
0.905 while a linear SVM reached 0.953 (docs/nlu-report.md, `tools.nlu_report cv`). With
~3000 written examples for 30 intents DIET fits the training set within a few epochs and
then mostly memorises n-grams; a max-margin linear model generalises better from so little
data, and trains in seconds instead of a minute.

Confidences: an SVM gives scores, not probabilities, and the FallbackClassifier after this
component compares confidences with a threshold. The scores go through a softmax whose
temperature is fitted on cross-validated scores of the training data (lowest log-loss), so a
confidence of 0.4 means roughly what it says.

Messages not one word of which occurs in the training data ("qwrtz plmkn") get a "none of
these" score of ``reject_score`` in that softmax: a softmax always crowns some intent, and for
such a message only the sentence vector speaks, which puts gibberish somewhere. With the
SVM's own boundary (0) as the reject score, 157 of 200 random letter strings go to the fallback
instead of 78 (`tools.nlu_report gibberish`, docs/nlu-report.md). Emoji and other messages
without any word are left alone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

_FILE = "linear_intent_classifier.npz"
# Temperatures tried for the softmax over SVM scores (scores are margins of about ±1).
_TEMPERATURES = np.logspace(-0.5, 1.5, 41)
_WORD = re.compile(r"\w+")
# What a message gets when nothing can be predicted (no weights, no features): DIET's answer,
# which the FallbackClassifier after this component turns into nlu_fallback.
NO_INTENT: dict[str, Any] = {"name": None, "confidence": 0.0}

Scores = npt.NDArray[np.float64]
Labels = npt.NDArray[np.int_]
Rows = scipy.sparse.csr_matrix

# scipy 1.10 and scikit-learn 1.1 (Rasa's pins) ship no type hints: what is used of them here.
_csr: Callable[[Any], Rows] = scipy.sparse.csr_matrix
_stack_columns: Callable[..., Rows] = scipy.sparse.hstack
_stack_rows: Callable[..., Rows] = scipy.sparse.vstack


class _LinearSvm(Protocol):
    coef_: Scores
    intercept_: Scores
    classes_: Labels

    def fit(self, x: Rows, y: Labels) -> _LinearSvm: ...


class _Folds(Protocol):
    def split(self, x: Labels, y: Labels) -> Iterator[tuple[Labels, Labels]]: ...


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def features(message: Message, dense_weight: float) -> Rows | None:
    """The message's sentence features as one row: sparse counts, then the dense vector times
    ``dense_weight`` (the encoder's vector is unit length; the counts are whole numbers)."""
    _, sparse = message.get_sparse_features(TEXT)
    _, dense = message.get_dense_features(TEXT)
    parts: list[Rows] = []
    if sparse is not None:
        parts.append(_csr(sparse.features))
    if dense is not None:
        parts.append(_csr(np.asarray(dense.features) * dense_weight))
    if not parts:
        return None
    return _stack_columns(parts, format="csr")


def softmax(scores: Scores, temperature: float, reject_score: float | None = None) -> Scores:
    """Probabilities per column of ``scores``; with ``reject_score`` a "none of these" column
    takes part and is dropped again, so the rows then sum to less than 1."""
    if reject_score is not None:
        reject = np.full((scores.shape[0], 1), reject_score)
        return softmax(np.hstack([scores, reject]), temperature)[:, :-1]
    z = scores * temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    probabilities: Scores = e / e.sum(axis=1, keepdims=True)
    return probabilities


def fit_temperature(scores: Scores, truth: Labels) -> float:
    """The softmax temperature with the lowest log-loss of ``scores`` against column ``truth``."""
    best, best_loss = 1.0, np.inf
    for temperature in _TEMPERATURES:
        probabilities = softmax(scores, temperature)
        loss = -np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-12))
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Linear SVM over all sentence features; softmax confidences with a fitted temperature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Regularisation of the SVM (smaller = smoother).
            "C": 0.5,
            # How much the dense sentence vector counts against the sparse n-gram counts.
            "dense_weight": 25.0,
            # Folds for the cross-validated scores the temperature is fitted on.
            "calibration_folds": 3,
            # "None of these" score for messages with no word from the training data.
            "reject_score": 0.0,
            "random_seed": 42,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: dict[str, npt.NDArray[Any]] | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.weights = weights
        self._vocabulary = frozenset(weights["vocabulary"].tolist()) if weights else frozenset()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def _svm(self) -> _LinearSvm:
        from sklearn.svm import LinearSVC

        svm: Callable[..., _LinearSvm] = LinearSVC
        return svm(C=self.config["C"], max_iter=20_000, random_state=self.config["random_seed"])

    def train(self, training_data: TrainingData) -> Resource:
        weight = float(self.config["dense_weight"])
        rows: list[Rows] = []
        labels: list[str] = []
        vocabulary: set[str] = set()
        for example in training_data.intent_examples:
            row = features(example, weight)
            if row is not None:
                rows.append(row)
                labels.append(example.get(INTENT))
                vocabulary.update(words(example.get(TEXT) or ""))
        classes = sorted(set(labels))
        if len(classes) < 2:
            logger.warning("LinearIntentClassifier: fewer than two intents, nothing trained")
            return self._resource
        x = _stack_rows(rows, format="csr")
        index = {label: i for i, label in enumerate(classes)}
        y = np.array([index[label] for label in labels])
        coef, intercept = self._fit(x, y)
        self.weights = {
            "coef": coef.astype(np.float32),
            "intercept": intercept.astype(np.float32),
            "classes": np.array(classes),
            "temperature": np.array([self._temperature(x, y)]),
            "vocabulary": np.array(sorted(vocabulary), dtype=str),
        }
        self._vocabulary = frozenset(vocabulary)
        with self._model_storage.write_to(self._resource) as directory:
            np.savez_compressed(directory / _FILE, **self.weights)
        return self._resource

    def _fit(self, x: Rows, y: Labels) -> tuple[Scores, Scores]:
        """The SVM's weights and intercepts, one row per class in ``y``. For two classes
        sklearn keeps one row (the second class's score); the first gets its negation."""
        svm = self._svm().fit(x, y)
        coef, intercept = svm.coef_, svm.intercept_
        if len(svm.classes_) == 2:
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        return coef, intercept

    def _temperature(self, x: Rows, y: Labels) -> float:
        """Fit the softmax temperature on scores of examples the SVM did not see. Intents with
        fewer examples than folds (payload-only ones) are left out of this fit."""
        from sklearn.model_selection import StratifiedKFold

        folds = int(self.config["calibration_folds"])
        counts = np.bincount(y)
        keep = np.flatnonzero(counts[y] >= folds)
        if len(np.unique(y[keep])) < 2:
            return 1.0
        stratified: Callable[..., _Folds] = StratifiedKFold
        splitter = stratified(folds, shuffle=True, random_state=self.config["random_seed"])
        scores, truth = [], []
        for train, test in splitter.split(keep, y[keep]):
            train_rows, test_rows = keep[train], keep[test]
            coef, intercept = self._fit(x[train_rows], y[train_rows])
            scores.append(np.asarray(x[test_rows] @ coef.T) + intercept)
            truth.append(np.searchsorted(np.unique(y[train_rows]), y[test_rows]))
        return fit_temperature(np.vstack(scores), np.concatenate(truth))

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with (
                model_storage.read_from(resource) as directory,
                np.load(directory / _FILE, allow_pickle=False) as stored,
            ):
                weights = {key: stored[key] for key in stored.files}
        except (ValueError, FileNotFoundError):
            # Trained on fewer than two intents, or the model lost the file: every message
            # then gets NO_INTENT, so the FallbackClassifier answers all of them.
            logger.warning(
                "LinearIntentClassifier: no trained weights in %s; every message gets no intent",
                resource.name,
            )
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, weights)

    def _reject_score(self, text: str) -> float | None:
        """The "none of these" score for ``text``, or None when it has a known word."""
        tokens = words(text)
        if not tokens or not self._vocabulary.isdisjoint(tokens):
            return None
        return float(self.config["reject_score"])

    def _ranking(self, message: Message) -> list[dict[str, Any]]:
        """Intents by confidence, best first; empty without weights or features."""
        row = features(message, float(self.config["dense_weight"]))
        if self.weights is None or row is None:
            return []
        scores = np.asarray(row @ self.weights["coef"].T) + self.weights["intercept"]
        reject = self._reject_score(message.get(TEXT) or "")
        temperature = float(self.weights["temperature"][0])
        probabilities = softmax(scores, temperature, reject)[0]
        order = np.argsort(-probabilities)[:LABEL_RANKING_LENGTH]
        classes = self.weights["classes"]
        return [{"name": str(classes[i]), "confidence": float(probabilities[i])} for i in order]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = self._ranking(message)
            intent = ranking[0] if ranking else dict(NO_INTENT)
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
