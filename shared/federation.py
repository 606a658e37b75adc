"""The one federation version every subgraph's schema is printed at."""

from typing import Final, Literal

__all__ = ["FEDERATION_VERSION"]

#: Highest version the project's composer and router support; bump it here only.
FEDERATION_VERSION: Final[Literal["2.11"]] = "2.11"
