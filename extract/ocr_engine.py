"""Text recognisers for line crops: RapidOCR's PP-OCRv4 recogniser (ONNX) and Tesseract.

Both read a list of grayscale line images and return, for each, the text and a confidence
in [0, 1]. The confidence is the *lowest* per-character probability (not the mean), so one
doubtful digit makes the whole reading doubtful.

- ``RapidRecognizer`` runs the PP-OCRv4 text recognition model shipped inside the
  ``rapidocr-onnxruntime`` wheel directly with onnxruntime (no detection model: the layout
  code has already cut the lines), in batches of crops of similar width, and decodes the
  CTC output itself to keep per-character probabilities.
- ``TesseractRecognizer`` stacks the crops into one tall image and runs the ``tesseract``
  command (Debian tesseract-ocr + tesseract-ocr-chi-sim) once per page, mapping the words of
  its TSV output back to crops by position. Kept for the engine comparison
  (bench/bench_ocr.py) only: on the generated scans it read 88.6% of the cells exactly
  against RapidOCR's 99.8%, took longer per page, and its word confidences are not
  calibrated (it let two wrong numbers through where RapidOCR let none), so RapidOCR is the
  engine (``NIANBAO_OCR_ENGINE=tesseract`` selects the other for experiments).
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .errors import ExtractionError


@dataclass
class Reading:
    text: str
    confidence: float
    # The same crop read as a table value (digits, signs, units, null markers only), when the
    # free reading has no other Chinese: letters that look like digits count as those digits
    # (o → 0, l → 1), and the confidence is that of the best value character against the
    # other value characters and the CTC blank.
    numeric: Reading | None = None
    doubt: str | None = None  # why a value reading is not to be trusted whatever its confidence


# What a table value cell may hold (normalize.parse_number and NULL_MARKERS).
VALUE_CHARS = "0123456789.,+-/%万元件条个项人次份家起增减加少无"
_ALIASES = {"o": "0", "O": "0", "〇": "0", "○": "0", "l": "1", "I": "1", "|": "1", "丨": "1",
            "—": "-", "－": "-", "–": "-", "一": "-", "―": "-", "，": ",", "。": "."}


def value_reading_applies(text: str) -> bool:
    """A free reading that can be a table value: no Chinese besides units and 无."""
    return all(not ("\u4e00" <= ch <= "\u9fff") or ch in VALUE_CHARS or ch == "一" for ch in text)


def second_opinion(first: Reading, second: Reading) -> Reading:
    """A value read again from a denoised crop: the same digits make the reading as sure as
    the surer of the two; different digits make it doubtful whatever the confidences."""
    value = second.numeric or Reading(alias_value_chars(second.text).strip(), second.confidence)
    mine = first.numeric
    if mine is None:
        return first
    if value.text == mine.text:
        numeric = Reading(mine.text, max(mine.confidence, value.confidence))
    else:
        numeric = Reading(mine.text, min(mine.confidence, value.confidence),
                          doubt=f"two readings differ: {mine.text!r} and {value.text!r}")
    return Reading(first.text, first.confidence, numeric)


def alias_value_chars(text: str) -> str:
    """Look-alike letters of a value taken as the value characters (o → 0, l → 1, — → -)."""
    import unicodedata

    return "".join(_ALIASES.get(ch) or unicodedata.normalize("NFKC", ch) for ch in text)


class EngineUnavailable(ExtractionError):
    """The OCR engine or its model is not installed: the document cannot be read here."""


class RapidRecognizer:
    name = "rapidocr"
    HEIGHT = 48
    MAX_WIDTH = 2400
    # Measured fastest on this 2-core machine: small batches of crops of similar width, one
    # thread per inference and as many inferences at once as there are cores.
    BATCH_PIXELS = 48 * 1280
    BATCH_MAX = 4

    def __init__(self, workers: int | None = None):
        spec = importlib.util.find_spec("rapidocr_onnxruntime")
        if spec is None or not spec.submodule_search_locations:
            raise EngineUnavailable("rapidocr-onnxruntime is not installed (it ships the PP-OCR models)")
        model = Path(spec.submodule_search_locations[0]) / "models" / "ch_PP-OCRv4_rec_infer.onnx"
        if not model.exists():
            raise EngineUnavailable(f"PP-OCRv4 recognition model missing: {model}")
        import onnxruntime as ort

        options = ort.SessionOptions()
        self.workers = workers or min(4, os.cpu_count() or 1)
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.chars = ["", *meta["character"].splitlines(), " "]
        self._value_groups = _value_groups(self.chars)
        self.input = self.session.get_inputs()[0].name

    def read(self, crops: list[np.ndarray]) -> list[Reading]:
        if not crops:
            return []
        widths = [self._width(c) for c in crops]
        order = sorted(range(len(crops)), key=lambda i: widths[i])
        batches, start = [], 0
        while start < len(order):
            end = start + 1
            # widths grow along `order`: extend while the batch stays within its budget
            while (end < len(order) and end - start < self.BATCH_MAX
                   and (end - start + 1) * widths[order[end]] * self.HEIGHT <= self.BATCH_PIXELS):
                end += 1
            batches.append(order[start:end])
            start = end
        out: list[Reading | None] = [None] * len(crops)

        def run(batch: list[int]) -> None:
            width = widths[batch[-1]]
            tensor = np.stack([self._normalise(crops[i], width) for i in batch])
            probs = self.session.run(None, {self.input: tensor})[0]
            for i, p in zip(batch, probs, strict=True):
                out[i] = self._decode(p)

        if self.workers > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(self.workers) as pool:  # onnxruntime runs concurrently, GIL released
                list(pool.map(run, batches))
        else:
            for batch in batches:
                run(batch)
        return out  # type: ignore[return-value]

    def _width(self, crop: np.ndarray) -> int:
        h, w = crop.shape[:2]
        width = int(math.ceil(self.HEIGHT * w / max(h, 1)))
        return int(min(self.MAX_WIDTH, max(16, math.ceil(width / 8) * 8)))

    def _normalise(self, crop: np.ndarray, width: int) -> np.ndarray:
        h, w = crop.shape[:2]
        own = min(width, int(math.ceil(self.HEIGHT * w / max(h, 1))))
        resized = cv2.resize(crop, (max(1, own), self.HEIGHT), interpolation=cv2.INTER_AREA if h > self.HEIGHT else cv2.INTER_CUBIC)
        if resized.ndim == 2:
            resized = cv2.cvtColor(resized, cv2.COLOR_GRAY2BGR)
        tensor = np.zeros((3, self.HEIGHT, width), dtype=np.float32)  # the model's padding value
        tensor[:, :, : resized.shape[1]] = resized.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1.0
        return tensor

    def _decode(self, probs: np.ndarray) -> Reading:
        """Greedy CTC: a character is a run of one class; its probability is the run's best."""
        best = probs.argmax(axis=1)
        score = probs.max(axis=1)
        text, confidences = [], []
        prev = -1
        for index, p in zip(best.tolist(), score.tolist(), strict=True):
            if index != prev and index != 0:
                text.append(self.chars[index] if index < len(self.chars) else "")
                confidences.append(p)
            elif index == prev and index != 0:
                confidences[-1] = max(confidences[-1], p)
            prev = index
        if not text:
            reading = Reading("", float(score.min()) if score.size else 0.0)
        else:
            reading = Reading("".join(text), float(min(confidences)))
        if value_reading_applies(reading.text):
            reading.numeric = self._decode_value(probs)
        return reading

    def _decode_value(self, probs: np.ndarray) -> Reading:
        """Greedy CTC over the value characters only (plus blank), renormalised.

        A character's confidence is its best renormalised probability; an empty step where a
        value character came close (a digit nearly missed) lowers the reading's confidence
        too, and so does a character the model took mostly for something else."""
        groups = self._value_groups
        q = np.stack([probs[:, idx].sum(axis=1) for idx in groups], axis=1)  # step × (blank + chars)
        mass = q.sum(axis=1)
        qn = q / np.maximum(mass, 1e-9)[:, None]
        best = qn.argmax(axis=1)
        text, confidences = [], []
        doubt = 1.0
        prev = 0
        for step, index in enumerate(best.tolist()):
            p = float(qn[step, index])
            if index == 0:
                doubt = min(doubt, p)
            elif index != prev:
                text.append(VALUE_CHARS[index - 1])
                confidences.append(min(p, float(mass[step]) + 0.25))
            else:
                confidences[-1] = max(confidences[-1], min(p, float(mass[step]) + 0.25))
            prev = index
        confidence = min([doubt, *confidences])
        return Reading("".join(text), float(confidence))


def _value_groups(chars: list[str]) -> list[np.ndarray]:
    """Class indices for blank, then for each value character (with its look-alikes and its
    full-width form)."""
    import unicodedata

    groups: list[list[int]] = [[0]] + [[] for _ in VALUE_CHARS]
    for index, ch in enumerate(chars):
        if index == 0 or not ch:
            continue
        target = _ALIASES.get(ch) or unicodedata.normalize("NFKC", ch)
        if len(target) == 1 and target in VALUE_CHARS:
            groups[VALUE_CHARS.index(target) + 1].append(index)
    return [np.array(g, dtype=np.int64) for g in groups]


class TesseractRecognizer:
    name = "tesseract"
    HEIGHT = 40

    def __init__(self, lang: str = "chi_sim"):
        self.binary = shutil.which("tesseract")
        if self.binary is None:
            raise EngineUnavailable("tesseract is not installed (Debian tesseract-ocr, tesseract-ocr-chi-sim)")
        self.lang = lang

    def read(self, crops: list[np.ndarray]) -> list[Reading]:
        if not crops:
            return []
        gap = self.HEIGHT
        scaled = []
        for c in crops:
            h, w = c.shape[:2]
            width = max(8, int(round(w * self.HEIGHT / max(h, 1))))
            scaled.append(cv2.resize(c, (width, self.HEIGHT), interpolation=cv2.INTER_CUBIC))
        width = max(s.shape[1] for s in scaled) + 2 * gap
        sheet = np.full((gap + len(scaled) * (self.HEIGHT + gap), width), 255, np.uint8)
        tops = []
        for i, s in enumerate(scaled):
            top = gap + i * (self.HEIGHT + gap)
            sheet[top: top + self.HEIGHT, gap: gap + s.shape[1]] = s
            tops.append(top)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sheet.png"
            cv2.imwrite(str(path), sheet)
            result = subprocess.run(
                [self.binary, str(path), "stdout", "-l", self.lang, "--psm", "6",
                 "-c", "preserve_interword_spaces=1", "tsv"],
                capture_output=True, text=True, timeout=300, check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        words: list[list[tuple[int, str, float]]] = [[] for _ in crops]
        for line in result.stdout.splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
                continue
            left, top, height = int(parts[6]), int(parts[7]), int(parts[9])
            index = (top + height // 2 - gap // 2) // (self.HEIGHT + gap)
            if 0 <= index < len(crops):
                words[index].append((left, parts[11].strip(), max(0.0, float(parts[10])) / 100))
        out = []
        for found in words:
            found.sort()
            text = "".join(w for _, w, _ in found)
            out.append(Reading(text, min((c for _, _, c in found), default=0.0)))
        return out


_ENGINES: dict[str, object] = {}
_ENGINE_LOCK = threading.Lock()


def get_engine(name: str | None = None):
    """The recogniser by name (``NIANBAO_OCR_ENGINE``, default rapidocr), loaded once."""
    name = name or os.environ.get("NIANBAO_OCR_ENGINE") or "rapidocr"
    with _ENGINE_LOCK:
        if name not in _ENGINES:
            if name == "rapidocr":
                _ENGINES[name] = RapidRecognizer()
            elif name == "tesseract":
                _ENGINES[name] = TesseractRecognizer()
            else:
                raise EngineUnavailable(f"unknown OCR engine {name!r} (rapidocr | tesseract)")
        return _ENGINES[name]
