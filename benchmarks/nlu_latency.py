"""How long one NLU parse of the trained model takes, and how much of it is the e5 encoder.

Loads the model (default models/techfriends.tar.gz) in this process, parses --messages texts
drawn with a fixed seed from data/ (what customers write; the encoder keeps no vectors of
parsed messages, so having trained on them saves nothing) after a few warm-up parses, and then
times the encoder alone (bot.sentence_embeddings.embed) on the same texts. Wall-clock times on
a machine that may be shared: the load average before and after is printed with them.

    .venv-bot/bin/python -m benchmarks.nlu_latency [--messages 200] [--model PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 5
SEED = 2026


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sample_texts(count: int) -> list[str]:
    from tools.nlu_common import load_nlu_data

    texts = sorted({m.get("text") for m in load_nlu_data().intent_examples if m.get("text")})
    return random.Random(SEED).sample(texts, count)


def timed(function: Callable[[str], object], texts: list[str]) -> list[float]:
    """Milliseconds per call of ``function`` on each text."""
    for text in texts[:WARM_UP]:
        function(text)
    times = []
    for text in texts:
        started = time.perf_counter()
        function(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


def row(what: str, times: list[float]) -> str:
    return (
        f"| {what} | {len(times)} | {statistics.median(times):.1f} | {percentile(times, 90):.1f} "
        f"| {percentile(times, 99):.1f} | {statistics.fmean(times):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "techfriends.tar.gz")
    args = parser.parse_args()

    from rasa.core.agent import Agent

    from tools.nlu_common import untyped

    embed = untyped("bot.sentence_embeddings").embed
    agent = Agent.load(str(args.model))
    loop = asyncio.new_event_loop()
    texts = sample_texts(args.messages)
    load_before = os.getloadavg()[0]
    parse_times = timed(lambda text: loop.run_until_complete(agent.parse_message(text)), texts)
    encoder_times = timed(embed, texts)
    load_after = os.getloadavg()[0]
    print(f"model {args.model}, {len(texts)} messages from data/ (seed {SEED}), one at a time")
    print(f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after")
    print("| what | messages | p50 ms | p90 ms | p99 ms | mean ms |")
    print("|---|---|---|---|---|---|")
    print(row("whole NLU parse (Agent.parse_message)", parse_times))
    print(row("e5 encoder alone (embed)", encoder_times))


if __name__ == "__main__":
    main()
