"""The ``exposure:`` section of a policy file: when an expert's submissions together hold too much.

    exposure:
      action: flag            # or block
      coverage: 0.25          # share of one protected document's characters covered by the expert's passages
      words: 600              # or this many of its words
      employer_score: 6.0     # sum of the weights of the distinct weak signals for one employer
      weights: {context: 0.5, systems: 2.0, locations: 1.5, years: 0.5, deal_types: 1.5}
      min_similarity: 0.3     # passages looser than this do not count

A threshold left out (``null``) is not checked. Validated with the rest of the policy (unknown keys refused).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from screener.model import Action

WeakField = Literal["context", "systems", "locations", "years", "deal_types"]
DEFAULT_WEIGHTS: dict[WeakField, float] = {"context": 0.5, "systems": 2.0, "locations": 1.5, "years": 0.5,
                                           "deal_types": 1.5}


class ExposurePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal[Action.FLAG, Action.BLOCK] = Action.FLAG
    coverage: float | None = Field(default=0.25, gt=0.0, le=1.0)
    words: int | None = Field(default=600, ge=1)
    employer_score: float | None = Field(default=6.0, gt=0.0)
    weights: dict[WeakField, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    min_similarity: float = Field(default=0.3, ge=0.0, le=1.0)

    def weight(self, field: str) -> float:
        """The weight of one distinct signal of profile field ``field`` (0 for an unknown field)."""
        for weights in (self.weights, DEFAULT_WEIGHTS):
            for name, value in weights.items():
                if name == field:
                    return value
        return 0.0
