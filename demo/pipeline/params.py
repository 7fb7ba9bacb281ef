"""Reads params.yaml without third-party packages (the demo stages run with any python3).

Understands the flat two-level YAML the demo uses: `section:` lines, then `  key: value` lines.
"""

from pathlib import Path


def _value(text):
    text = text.strip()
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip("'\"")


def load(path="params.yaml"):
    out, section = {}, None
    for line in Path(path).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            section = line.split(":", 1)[0].strip()
            out[section] = {}
        else:
            key, value = line.strip().split(":", 1)
            out[section][key.strip()] = _value(value)
    return out
