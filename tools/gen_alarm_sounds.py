"""Write the alarm horn sounds to resources/sounds/ (short 16-bit mono WAV files).

One sound per priority, distinct in pitch and rhythm so an operator can tell them apart
without looking (urgent: fast two-tone, high: pulsed, medium: slow double beep, low: one chime).

    .venv/bin/python tools/gen_alarm_sounds.py
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "resources" / "sounds"
RATE = 22050


def tone(freq: float, seconds: float, volume: float = 0.5) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    env = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)  # 10 ms ramps: no clicks
    return volume * env * np.sin(2 * np.pi * freq * t)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds))


SOUNDS = {
    "alarm_urgent.wav": lambda: np.concatenate([tone(960, 0.15), tone(770, 0.15)] * 3 + [silence(0.1)]),
    "alarm_high.wav": lambda: np.concatenate([tone(880, 0.2), silence(0.15)] * 3),
    "alarm_medium.wav": lambda: np.concatenate([tone(660, 0.25), silence(0.1), tone(660, 0.25), silence(0.6)]),
    "alarm_low.wav": lambda: np.concatenate([tone(523, 0.35, 0.35), silence(0.3)]),
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in SOUNDS.items():
        samples = (np.clip(make(), -1, 1) * 32767).astype("<i2")
        with wave.open(str(OUT / name), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(samples.tobytes())
        print(OUT / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
