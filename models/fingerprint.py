"""The scenario fingerprint: a short hash of the effective scenario, in every output."""

from __future__ import annotations

import hashlib
import json

from models.scenario import Scenario


def scenario_hash(sc: Scenario) -> str:
    """A short fingerprint of the effective scenario (what produced a number)."""
    canonical = json.dumps(sc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    # surrogatepass: a fingerprint even of text no file can hold (writers refuse it later)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]
